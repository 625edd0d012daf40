package io.filestore.query.users.api;

import io.filestore.command.api.UserId;
import java.time.Instant;

/** A personal API token's record (never the token itself). */
public record ApiTokenView(String tokenId, UserId userId, String name, Instant expiresAt, Instant createdAt,
                           Instant revokedAt) {

    public boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
