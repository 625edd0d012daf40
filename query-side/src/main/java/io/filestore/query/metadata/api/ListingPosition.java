package io.filestore.query.metadata.api;

import io.filestore.command.api.FileId;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a page of a listing ended: the sort timestamp of its last file ({@code createdAt} for the live listing,
 * {@code deletedAt} for the trash, {@code updatedAt} for the files shared with the caller) and that file's id, which
 * breaks ties between files with the same timestamp. The next page holds the files strictly after it in the
 * listing's order, so a page costs an index seek however deep it is, and files added meanwhile cannot shift a file
 * into a page already read or out of the next one.
 */
public record ListingPosition(Instant at, FileId fileId) {

    public ListingPosition {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(fileId, "fileId");
    }
}
