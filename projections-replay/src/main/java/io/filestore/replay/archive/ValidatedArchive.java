package io.filestore.replay.archive;

/**
 * An archive that passed {@link BackupArchive#validate}: its manifest, the global position to restore up to, and
 * how many events that is.
 */
public record ValidatedArchive(Manifest manifest, long restorePosition, long eventsToRestore) {
}
