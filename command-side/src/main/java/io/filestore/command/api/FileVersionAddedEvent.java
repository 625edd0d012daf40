package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/** New content became version {@code version}; name and metadata are the file's values after the change. */
@Revision("1")
public record FileVersionAddedEvent(FileId fileId, int version, BlobId blobId, long size, MediaType mediaType,
                                    FileName name, FileMetadata metadata, String changeLog, UserId by) {
}
