package io.filestore.query.users.api;

import io.filestore.command.api.TokenHash;

/** The token record whose SHA-256 is {@code hash}. Answers {@code Optional<ApiTokenView>}. */
public record FindTokenByHashQuery(TokenHash hash) {
}
