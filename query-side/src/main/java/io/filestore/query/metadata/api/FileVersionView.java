package io.filestore.query.metadata.api;

import io.filestore.command.api.BlobId;
import io.filestore.command.api.FileId;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.UserId;
import java.time.Instant;

/** One version in a file's history; {@code restoredFrom} is set when the version is a rollback. */
public record FileVersionView(FileId fileId, int version, BlobId blobId, long size, MediaType mediaType,
                              Instant uploadedAt, UserId uploadedBy, String changeLog, Integer restoredFrom) {
}
