package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Creates a user account; {@code systemAdmin} may manage users and every file. */
public record CreateUserCommand(UserId userId, String displayName, PasswordHash passwordHash, boolean systemAdmin, UserId by) {

    public CreateUserCommand {
        InputRules.freeText("displayName", displayName);
    }


    @TargetAggregateIdentifier
    public String accountId() {
        return userId.accountId();
    }
}
