package io.filestore.replay.archive;

/**
 * A blob the backed-up events reference: its SHA-256, its size, and whether a file that is not purged references it
 * ({@code live}: a restore must be able to serve it).
 */
public record BlobRef(String sha256, long size, boolean live) {
}
