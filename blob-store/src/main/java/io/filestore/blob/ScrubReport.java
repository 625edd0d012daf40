package io.filestore.blob;

import java.util.List;

/**
 * The outcome of {@link BlobStore#scrub}.
 *
 * @param blobsChecked        distinct blobs seen
 * @param replicasVerified    replicas whose content matched their id
 * @param replicasQuarantined corrupt replicas moved to quarantine
 * @param replicasAdded       replicas written to bring blobs back to R
 * @param underReplicated     blobs that still have fewer than R intact replicas (not enough writable nodes)
 * @param lostBlobs           blobs with no intact replica left (every replica was corrupt)
 * @param errors              blobs that could not be checked because of an I/O error (see the log)
 */
public record ScrubReport(long blobsChecked, long replicasVerified, long replicasQuarantined, long replicasAdded,
                          long underReplicated, List<String> lostBlobs, long errors) {

    public ScrubReport {
        lostBlobs = List.copyOf(lostBlobs);
    }

    /** Every blob is intact on at least R nodes and nothing failed. */
    public boolean healthy() {
        return underReplicated == 0 && lostBlobs.isEmpty() && errors == 0;
    }
}
