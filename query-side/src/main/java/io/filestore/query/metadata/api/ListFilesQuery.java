package io.filestore.query.metadata.api;

import io.filestore.command.api.Actor;

/** The caller's live files, newest first. Answers {@link FilePage}. */
public record ListFilesQuery(Actor caller, int offset, int limit) {
}
