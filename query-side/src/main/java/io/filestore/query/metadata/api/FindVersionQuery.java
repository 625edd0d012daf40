package io.filestore.query.metadata.api;

import io.filestore.command.api.FileId;
import io.filestore.command.api.Actor;

/** One version of a live file the caller may read. Answers {@code Optional<FileVersionView>}. */
public record FindVersionQuery(FileId fileId, int version, Actor caller) {
}
