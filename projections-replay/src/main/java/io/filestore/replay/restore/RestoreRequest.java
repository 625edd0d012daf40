package io.filestore.replay.restore;

import java.time.Instant;

/**
 * What to restore: a completed backup, optionally only up to a point in time (an instant, or a global position;
 * not both), and whether a non-empty event store may be replaced (it is moved aside first); who asked
 * ({@code requestedBy}, a user id) and from where ({@code clientAddress}), for the audit trail (both may be null).
 */
public record RestoreRequest(String backupId, Instant pointInTime, Long position, boolean replace, String requestedBy,
                             String clientAddress) {

    public RestoreRequest(String backupId, Instant pointInTime, Long position, boolean replace) {
        this(backupId, pointInTime, position, replace, null, null);
    }
}
