package io.filestore.replay.restore;

import io.filestore.replay.OperationState;
import io.filestore.replay.Progress;
import io.filestore.replay.projection.ProjectionStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A restore as the status endpoint shows it.
 *
 * @param phase        {@code VALIDATING} (reading the whole archive against its checksums; nothing is changed yet),
 *                     {@code LOADING} (one transaction: moving the store aside or checking it is empty, loading the
 *                     events and snapshots, resetting the projections), {@code REPLAYING}, {@code VERIFYING_BLOBS},
 *                     {@code DIGESTING}, {@code DONE}
 * @param position     the global index restored up to (the backup's, or the point in time's)
 * @param movedAsideTo the PostgreSQL schema that holds the replaced event store, when one was replaced
 * @param events       events loaded / events to load
 * @param replay       lowest projection position / position
 * @param projections  each projection's replay
 * @param blobs        the verification of every blob the restored events reference
 * @param digests      SHA-256 of each projection's rebuilt views, by projection
 */
public record RestoreStatus(String id, String backupId, OperationState state, String phase, Instant startedAt,
                            Instant endedAt, Instant pointInTime, Long requestedPosition, Long position,
                            boolean replace, String movedAsideTo, Progress events, Progress replay,
                            List<ProjectionStatus> projections, BlobCheck blobs, Map<String, String> digests,
                            String error, String requestedBy, String clientAddress) {

    /**
     * @param referenced          blobs referenced by files that are not purged
     * @param verified            every replica re-hashed and found intact (missing replicas added)
     * @param restoredFromBackup  missing or corrupt in the blob store, copied back from the backup location
     * @param missing             in neither place: downloads of them fail
     * @param missingIds          the first 100 of those
     */
    public record BlobCheck(long referenced, long verified, long restoredFromBackup, long missing,
                            List<String> missingIds) {

        public static final BlobCheck NONE = new BlobCheck(0, 0, 0, 0, List.of());
    }
}
