package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/** A personal API token was issued; the event holds only the token's hash. */
@Revision("1")
public record ApiTokenIssuedEvent(UserId userId, String tokenId, String name, TokenHash tokenHash, java.time.Instant expiresAt, UserId by) {
}
