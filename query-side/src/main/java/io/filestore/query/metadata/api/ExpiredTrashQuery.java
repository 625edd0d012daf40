package io.filestore.query.metadata.api;

import java.time.Instant;

/** Files trashed before {@code deletedBefore}, oldest first, at most {@code limit}. Answers a list of {@code FileId}. */
public record ExpiredTrashQuery(Instant deletedBefore, int limit) {
}
