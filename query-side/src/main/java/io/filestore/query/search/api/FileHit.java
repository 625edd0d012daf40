package io.filestore.query.search.api;

import io.filestore.command.api.BlobId;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileName;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A live file found by a search, as the index holds it. {@code score} is set for relevance-ordered searches;
 * {@code highlights} maps {@code name}/{@code description}/{@code tags} to HTML-escaped snippets with matches in
 * {@code <em>}.
 */
public record FileHit(FileId fileId, UserId owner, FileName name, MediaType mediaType, long size, BlobId blobId,
                      int version, FileMetadata metadata, Instant createdAt, Instant updatedAt,
                      Instant contentUpdatedAt, Double score, Map<String, List<String>> highlights) {
}
