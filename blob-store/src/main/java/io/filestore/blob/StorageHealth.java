package io.filestore.blob;

import java.util.List;

/**
 * What the blob store knows about the redundancy of its blobs: every blob checked (by a read, a heal or a scrub)
 * since the start, plus the findings of the last scrub before it.
 *
 * @param underReplicated    blobs with at least one but fewer than R intact replicas (or none reachable while a node
 *                           is down)
 * @param unrecoverable      blobs with no intact replica on any node
 * @param unrecoverableBlobs up to 100 of them, in id order
 * @param healsQueued        blobs waiting for (or in) a background heal
 * @param healsDone          background heals finished since the start
 * @param replicasHealed     replicas written by background heals since the start
 * @param healsDropped       heals not queued because the queue was full
 */
public record StorageHealth(long underReplicated, long unrecoverable, List<String> unrecoverableBlobs,
                            long healsQueued, long healsDone, long replicasHealed, long healsDropped) {

    public StorageHealth {
        unrecoverableBlobs = List.copyOf(unrecoverableBlobs);
    }

    /** Every blob checked so far has R intact replicas. */
    public boolean redundant() {
        return underReplicated == 0 && unrecoverable == 0;
    }
}
