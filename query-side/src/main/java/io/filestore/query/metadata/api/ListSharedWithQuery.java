package io.filestore.query.metadata.api;

import io.filestore.command.api.Actor;

/**
 * Live files shared with the caller (directly or through a group), most recently updated first (ties by file id,
 * descending). Answers {@link FilePage}.
 */
public record ListSharedWithQuery(Actor caller, ListingPaging paging) {
}
