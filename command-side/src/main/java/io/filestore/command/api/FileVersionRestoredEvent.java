package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/** Version {@code restoredFrom} was rolled back to, as the new version {@code version} pointing at its blob. */
@Revision("1")
public record FileVersionRestoredEvent(FileId fileId, int version, int restoredFrom, BlobId blobId, long size,
                                       MediaType mediaType, String changeLog, UserId by) {
}
