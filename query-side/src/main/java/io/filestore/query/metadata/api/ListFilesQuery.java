package io.filestore.query.metadata.api;

import io.filestore.command.api.Actor;

/** The caller's live files, newest first (ties by file id, descending). Answers {@link FilePage}. */
public record ListFilesQuery(Actor caller, ListingPaging paging) {
}
