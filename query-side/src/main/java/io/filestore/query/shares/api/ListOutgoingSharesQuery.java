package io.filestore.query.shares.api;

import io.filestore.command.api.UserId;

/** Shares and links created by {@code creator}, newest first, at most {@code limit}. Answers a list of {@link ShareView}. */
public record ListOutgoingSharesQuery(UserId creator, int offset, int limit) {
}
