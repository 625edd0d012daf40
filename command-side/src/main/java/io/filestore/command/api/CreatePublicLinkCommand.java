package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Creates a public link; only the token's hash and the password's bcrypt hash are kept. {@code expected} from
 * If-Match.
 */
public record CreatePublicLinkCommand(@TargetAggregateIdentifier FileId fileId, String shareId, TokenHash tokenHash, PasswordHash passwordHash,
                                      java.time.Instant expiresAt, Integer maxDownloads, Actor by,
                                      ExpectedState expected) {

    public CreatePublicLinkCommand(FileId fileId, String shareId, TokenHash tokenHash, PasswordHash passwordHash,
                                   java.time.Instant expiresAt, Integer maxDownloads, Actor by) {
        this(fileId, shareId, tokenHash, passwordHash, expiresAt, maxDownloads, by, null);
    }
}
