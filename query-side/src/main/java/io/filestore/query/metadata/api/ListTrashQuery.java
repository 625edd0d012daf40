package io.filestore.query.metadata.api;

import io.filestore.command.api.Actor;

/** The caller's trashed files, most recently deleted first. Answers {@link FilePage}. */
public record ListTrashQuery(Actor caller, int offset, int limit) {
}
