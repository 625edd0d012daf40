package io.filestore.query.metadata.api;

import io.filestore.command.api.FileId;
import io.filestore.command.api.Actor;

/** A trashed file of the caller. Answers {@code Optional<FileView>}. */
public record FindTrashedFileQuery(FileId fileId, Actor caller) {
}
