package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Replaces a user's password (by the user, or an admin's reset). */
public record SetPasswordCommand(UserId userId, PasswordHash passwordHash, UserId by) {

    @TargetAggregateIdentifier
    public String accountId() {
        return userId.accountId();
    }
}
