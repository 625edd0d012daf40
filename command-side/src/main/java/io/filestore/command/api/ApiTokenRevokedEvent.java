package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/** A personal API token was revoked. */
@Revision("1")
public record ApiTokenRevokedEvent(UserId userId, String tokenId, UserId by) {
}
