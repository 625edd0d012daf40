package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Issues a personal API token (only its hash is kept). */
public record IssueApiTokenCommand(UserId userId, String tokenId, String name, TokenHash tokenHash, java.time.Instant expiresAt, UserId by) {

    public IssueApiTokenCommand {
        InputRules.freeText("name", name);
    }


    @TargetAggregateIdentifier
    public String accountId() {
        return userId.accountId();
    }
}
