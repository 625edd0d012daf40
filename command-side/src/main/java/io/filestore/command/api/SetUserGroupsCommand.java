package io.filestore.command.api;

import java.util.Set;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Sets the groups a user belongs to (group names: 1-128 of letters, digits and {@code . _ @ + -}). */
public record SetUserGroupsCommand(UserId userId, Set<String> groups, UserId by) {

    @TargetAggregateIdentifier
    public String accountId() {
        return userId.accountId();
    }
}
