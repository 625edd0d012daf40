package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Creates a public link; only the token's hash and the password's bcrypt hash are kept. */
public record CreatePublicLinkCommand(@TargetAggregateIdentifier FileId fileId, String shareId, TokenHash tokenHash, PasswordHash passwordHash,
                                      java.time.Instant expiresAt, Integer maxDownloads, Actor by) {
}
