package io.filestore.api.web;

import io.filestore.command.api.UserId;

/** The authenticated principal of a request, resolved by {@link CallerResolver}. */
public record Caller(UserId userId, boolean systemAdmin) {
}
