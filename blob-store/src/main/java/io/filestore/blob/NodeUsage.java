package io.filestore.blob;

/** Blobs on one node and the bytes they take. */
public record NodeUsage(long blobs, long bytes) {
}
