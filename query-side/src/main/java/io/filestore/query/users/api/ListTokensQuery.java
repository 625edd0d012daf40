package io.filestore.query.users.api;

import io.filestore.command.api.UserId;

/** A user's tokens, newest first. Answers a list of {@link ApiTokenView}. */
public record ListTokensQuery(UserId userId) {
}
