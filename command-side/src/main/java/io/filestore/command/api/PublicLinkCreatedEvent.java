package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/**
 * A public link to the file was created (hashes only, never the token or password).
 * Revision 2: {@code expiresAt} lies in the years 1 to 9999 (revision 1 payloads are upcast by
 * {@code ExpiryWithinYear9999Upcaster} in the api module).
 */
@Revision("2")
public record PublicLinkCreatedEvent(FileId fileId, String shareId, TokenHash tokenHash, PasswordHash passwordHash,
                                     java.time.Instant expiresAt, Integer maxDownloads, UserId by) {
}
