package io.filestore.replay.restore;

import java.time.Instant;

/**
 * What to restore: a completed backup, optionally only up to a point in time (an instant, or a global position;
 * not both), and whether a non-empty event store may be replaced (it is moved aside first).
 */
public record RestoreRequest(String backupId, Instant pointInTime, Long position, boolean replace) {
}
