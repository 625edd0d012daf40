package io.filestore.replay.backup;

import io.filestore.replay.OperationState;
import io.filestore.replay.Progress;
import java.time.Instant;
import java.util.List;

/**
 * A backup as the status endpoint shows it.
 *
 * @param phase        what a running backup does: {@code EVENTS} (writing the archive), {@code BLOBS} (copying
 *                     blobs), then {@code DONE}
 * @param position     the global index up to which the backup holds every event (null until it is chosen)
 * @param events       events written / events up to the position
 * @param bytes        blob bytes handled (copied, or found in the backup location already) / bytes of all
 *                     referenced blobs
 * @param snapshots    aggregate snapshots in the archive
 * @param archiveBytes compressed size of the archive files
 * @param size         archive bytes plus the bytes of every referenced blob: what a restore from it needs
 * @param blobs        what happened to the referenced blobs
 * @param warning      set when the backup completed but some blobs of live files could not be copied
 * @param error        why a failed backup failed
 */
public record BackupStatus(String id, OperationState state, String phase, Instant startedAt, Instant endedAt,
                           Long position, Progress events, Progress bytes, long snapshots, long archiveBytes,
                           long size, Blobs blobs, String warning, String error) {

    /**
     * @param referenced      distinct blobs referenced by the backed-up events
     * @param copied          copied into the backup location by this backup
     * @param alreadyInBackup found there already (copied by an earlier backup: never copied again)
     * @param notNeeded       referenced only by purged files and gone from the blob store
     * @param missing         referenced by a live file but not readable from the blob store
     * @param missingIds      the first 100 of those
     */
    public record Blobs(long referenced, long copied, long alreadyInBackup, long notNeeded, long missing,
                        List<String> missingIds) {

        public static final Blobs NONE = new Blobs(0, 0, 0, 0, 0, List.of());
    }
}
