package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/** A public link to the file was created (hashes only, never the token or password). */
@Revision("1")
public record PublicLinkCreatedEvent(FileId fileId, String shareId, TokenHash tokenHash, PasswordHash passwordHash,
                                     java.time.Instant expiresAt, Integer maxDownloads, UserId by) {
}
