package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Disables a user: no password or token of theirs authenticates any more. */
public record DisableUserCommand(UserId userId, UserId by) {

    @TargetAggregateIdentifier
    public String accountId() {
        return userId.accountId();
    }
}
