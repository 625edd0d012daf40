package io.filestore.blob;

/**
 * What {@link BlobStore#rebalance(String)} did to one blob.
 *
 * @param copied          replicas written to the blob's homes
 * @param deleted         replicas removed from nodes that are not its homes (after its homes were verified)
 * @param bytesRead       replica bytes read to verify it
 * @param underReplicated fewer than R of its homes could take it (nothing was deleted)
 */
public record RebalanceResult(String sha256, int copied, int deleted, long bytesRead, boolean underReplicated) {
}
