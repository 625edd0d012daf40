package io.filestore.blob;

/**
 * The outcome of {@link BlobStore#repair} for one blob.
 *
 * @param sha256              the blob id
 * @param verifiedReplicas    replicas found intact before repairing
 * @param quarantinedReplicas corrupt replicas moved to their node's {@code quarantine} directory
 * @param addedReplicas       replicas written by this repair
 * @param replicas            intact replicas after the repair, on any node
 */
public record RepairResult(String sha256, int verifiedReplicas, int quarantinedReplicas, int addedReplicas,
                           int replicas) {
}
