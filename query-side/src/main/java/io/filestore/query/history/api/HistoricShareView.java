package io.filestore.query.history.api;

import io.filestore.command.api.FileId;
import io.filestore.command.api.Grantee;
import io.filestore.command.api.Role;
import java.time.Instant;

/**
 * A share or public link as it stood at an instant. {@code grantee} and {@code role} are null for links;
 * {@code revokedAt} is when it ended (possibly after the instant asked about), null while it holds.
 */
public record HistoricShareView(String shareId, FileId fileId, boolean link, Grantee grantee, Role role,
                                Instant expiresAt, boolean passwordProtected, Integer maxDownloads,
                                Instant createdAt, String createdBy, Instant revokedAt) {

    public boolean expiredAt(Instant at) {
        return expiresAt != null && !at.isBefore(expiresAt);
    }
}
