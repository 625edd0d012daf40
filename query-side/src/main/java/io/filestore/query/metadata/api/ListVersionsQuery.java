package io.filestore.query.metadata.api;

import io.filestore.command.api.FileId;
import io.filestore.command.api.Actor;

/** The version history of a live file the caller may read, newest first. Answers a list of {@link FileVersionView}. */
public record ListVersionsQuery(FileId fileId, Actor caller) {
}
