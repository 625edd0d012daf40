package io.filestore.query.metadata.api;

import io.filestore.command.api.UserId;

/** The caller's live files, newest first. Answers {@link FilePage}. */
public record ListFilesQuery(UserId caller, int offset, int limit) {
}
