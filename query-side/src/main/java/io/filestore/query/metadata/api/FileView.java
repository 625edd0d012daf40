package io.filestore.query.metadata.api;

import io.filestore.command.api.BlobId;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileName;
import io.filestore.command.api.FilePermissions;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.UserId;
import java.time.Instant;

/**
 * A file as readers see it: its current version and metadata. {@code contentUpdatedAt} is when the current
 * version's content was set (the download's Last-Modified); {@code deletedAt} is non-null for trashed files;
 * {@code sequence} is the aggregate sequence number of the last change the view reflects; {@code permissions} are
 * the owner and the shares in force.
 */
public record FileView(FileId fileId, UserId owner, FileName name, MediaType mediaType, long size, BlobId blobId,
                       int version, FileMetadata metadata, Instant createdAt, Instant updatedAt,
                       Instant contentUpdatedAt, Instant deletedAt, long sequence,
                       FilePermissions permissions) {

    public boolean deleted() {
        return deletedAt != null;
    }
}
