package io.filestore.blob;

import java.nio.file.Path;

/**
 * A replica whose content was verified against its id, ready to be streamed (with ranges if needed).
 * Blobs are immutable, so the file at {@code path} does not change while it exists.
 */
public record ReadableBlob(String sha256, long size, Path path) {
}
