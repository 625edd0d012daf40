package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/** The file went to the trash. */
@Revision("1")
public record FileDeletedEvent(FileId fileId, UserId by) {
}
