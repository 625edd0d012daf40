package io.filestore.replay;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of backup, restore and rebuild.
 *
 * @param directory     where backups are written: one directory per backup, and {@code blobs/} shared by all of them
 * @param lockTimeout   the longest wait for the event table lock (a backup waits for inserting transactions to
 *                      finish; a restore for every reader and writer of the store)
 * @param replayTimeout the longest a restore or rebuild waits for the projections to catch up before it fails
 * @param pauseTimeout  the longest a restore waits for the other instances to stop their event processors before
 *                      it fails (nothing changed)
 */
public record BackupSettings(Path directory, Duration lockTimeout, Duration replayTimeout, Duration pauseTimeout) {

    public BackupSettings {
        Objects.requireNonNull(directory, "directory");
        directory = directory.toAbsolutePath().normalize();
        if (lockTimeout.isNegative() || lockTimeout.isZero()) {
            throw new IllegalArgumentException("the lock timeout must be positive");
        }
        if (replayTimeout.isNegative() || replayTimeout.isZero()) {
            throw new IllegalArgumentException("the replay timeout must be positive");
        }
        if (pauseTimeout.isNegative() || pauseTimeout.isZero()) {
            throw new IllegalArgumentException("the pause timeout must be positive");
        }
    }
}
