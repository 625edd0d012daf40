package io.filestore.query.users.api;

import io.filestore.command.api.PasswordHash;
import io.filestore.command.api.UserId;
import java.time.Instant;

/** A user account as authentication and administration read it. The hash never leaves the service. */
public record UserView(UserId userId, String displayName, PasswordHash passwordHash, boolean systemAdmin,
                       boolean disabled, Instant createdAt, long sequence,
                       java.util.Set<String> groups) {
}
