package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Enables a disabled user again. */
public record EnableUserCommand(UserId userId, UserId by) {

    @TargetAggregateIdentifier
    public String accountId() {
        return userId.accountId();
    }
}
