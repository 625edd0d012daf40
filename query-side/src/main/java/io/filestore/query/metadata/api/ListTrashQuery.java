package io.filestore.query.metadata.api;

import io.filestore.command.api.Actor;

/** The caller's trashed files, most recently deleted first (ties by file id, descending). Answers {@link FilePage}. */
public record ListTrashQuery(Actor caller, ListingPaging paging) {
}
