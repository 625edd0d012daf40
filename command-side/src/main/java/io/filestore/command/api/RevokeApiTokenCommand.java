package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Revokes a personal API token. */
public record RevokeApiTokenCommand(UserId userId, String tokenId, UserId by) {

    @TargetAggregateIdentifier
    public String accountId() {
        return userId.accountId();
    }
}
