package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/** The name and/or metadata changed; the event carries the complete values after the change. */
@Revision("1")
public record FileMetadataUpdatedEvent(FileId fileId, FileName name, FileMetadata metadata, UserId by) {
}
