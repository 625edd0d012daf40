package io.filestore.query.metadata.api;

import io.filestore.command.api.Actor;

/** Live files shared with the caller (directly or through a group), most recently updated first. Answers {@link FilePage}. */
public record ListSharedWithQuery(Actor caller, int offset, int limit) {
}
