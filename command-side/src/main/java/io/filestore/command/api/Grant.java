package io.filestore.command.api;

import java.time.Instant;

/** One share of a file with a user or group: a role, optionally until {@code expiresAt} (exclusive). */
public record Grant(String shareId, Grantee grantee, Role role, Instant expiresAt) {

    public boolean activeAt(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }
}
