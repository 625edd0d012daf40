package io.filestore.query.metadata.api;

import io.filestore.command.api.UserId;

/** The caller's trashed files, most recently deleted first. Answers {@link FilePage}. */
public record ListTrashQuery(UserId caller, int offset, int limit) {
}
