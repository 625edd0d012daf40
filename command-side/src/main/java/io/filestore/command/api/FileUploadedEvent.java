package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/** A file was created with its first version (version 1). */
@Revision("1")
public record FileUploadedEvent(FileId fileId, FileName name, MediaType mediaType, long size, BlobId blobId,
                                FileMetadata metadata, UserId owner) {
}
