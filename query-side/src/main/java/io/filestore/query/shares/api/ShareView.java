package io.filestore.query.shares.api;

import io.filestore.command.api.FileId;
import io.filestore.command.api.Grantee;
import io.filestore.command.api.PasswordHash;
import io.filestore.command.api.Role;
import io.filestore.command.api.UserId;
import java.time.Instant;

/**
 * A share: with a user or group ({@code link == false}: grantee and role set) or a public link ({@code link}:
 * the password hash, if any, the download limit and the downloads counted against it). Hashes never leave the
 * service.
 */
public record ShareView(String shareId, FileId fileId, boolean link, Grantee grantee, Role role,
                        PasswordHash passwordHash, Instant expiresAt, Integer maxDownloads, Instant createdAt,
                        UserId createdBy, int downloadCount) {

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
