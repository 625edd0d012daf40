package io.filestore.blob;

/**
 * The outcome of {@link BlobStore#put}.
 *
 * @param sha256       the blob id: lowercase hex SHA-256 of the content
 * @param size         the content length in bytes
 * @param replicas     how many of the blob's chosen nodes now hold a replica (may be below R when nodes are down or
 *                     full; scrub/repair adds the missing ones later)
 * @param deduplicated the content was already stored on at least one of its chosen nodes
 */
public record PutResult(String sha256, long size, int replicas, boolean deduplicated) {
}
