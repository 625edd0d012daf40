package io.filestore.query.metadata.api;

import io.filestore.command.api.BlobId;
import java.util.List;

/** Which of {@code candidates} no version of any file references. Answers a list of {@code BlobId}. */
public record UnreferencedBlobsQuery(List<BlobId> candidates) {
}
