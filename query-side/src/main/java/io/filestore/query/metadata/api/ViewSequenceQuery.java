package io.filestore.query.metadata.api;

import io.filestore.command.api.FileId;

/**
 * The aggregate sequence number the metadata view of a file reflects, -1 without a view. Answers {@code Long}.
 * It reveals nothing but a number and serves writers waiting for their own change (read-your-writes).
 */
public record ViewSequenceQuery(FileId fileId) {
}
