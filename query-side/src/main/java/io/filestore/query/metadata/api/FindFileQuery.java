package io.filestore.query.metadata.api;

import io.filestore.command.api.FileId;
import io.filestore.command.api.Actor;

/** A live (not trashed) file the caller may read. Answers {@code Optional<FileView>}. */
public record FindFileQuery(FileId fileId, Actor caller) {
}
