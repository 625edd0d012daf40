package io.filestore.query.shares.api;

import io.filestore.command.api.TokenHash;

/** The public link whose token hashes to {@code tokenHash}. Answers {@code Optional<ShareView>}. */
public record FindPublicLinkQuery(TokenHash tokenHash) {
}
