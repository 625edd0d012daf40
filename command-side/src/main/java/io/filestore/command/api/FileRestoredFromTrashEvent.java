package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/** The file came back from the trash. */
@Revision("1")
public record FileRestoredFromTrashEvent(FileId fileId, UserId by) {
}
