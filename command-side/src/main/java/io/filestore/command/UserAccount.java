package io.filestore.command;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.filestore.command.api.ApiTokenIssuedEvent;
import io.filestore.command.api.ApiTokenRevokedEvent;
import io.filestore.command.api.CreateUserCommand;
import io.filestore.command.api.DisableUserCommand;
import io.filestore.command.api.EnableUserCommand;
import io.filestore.command.api.InvalidValueException;
import io.filestore.command.api.IssueApiTokenCommand;
import io.filestore.command.api.RevokeApiTokenCommand;
import io.filestore.command.api.SetPasswordCommand;
import io.filestore.command.api.SetUserGroupsCommand;
import io.filestore.command.api.UserGroupsSetEvent;
import io.filestore.command.api.UnknownTokenException;
import io.filestore.command.api.UserCreatedEvent;
import io.filestore.command.api.UserDisabledEvent;
import io.filestore.command.api.UserEnabledEvent;
import io.filestore.command.api.UserId;
import io.filestore.command.api.UserPasswordSetEvent;
import java.util.HashSet;
import java.util.Set;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * A user account: display name, password hash, admin flag, enabled state and personal API tokens. Who may run
 * these commands (the user themself, or a system admin) is decided by the API's security layer; the aggregate keeps
 * the account's own invariants.
 */
@Aggregate
class UserAccount {

    static final int MAX_TOKENS = 50;

    @AggregateIdentifier
    private String accountId;
    private UserId userId;
    private boolean disabled;
    private Set<String> activeTokens = new HashSet<>();

    UserAccount() {
        // for Axon and Jackson
    }

    @CommandHandler
    UserAccount(CreateUserCommand command) {
        String name = command.displayName() == null ? command.userId().value() : command.displayName().strip();
        if (name.isEmpty() || name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidValueException("displayName", "must be 1-200 printable characters");
        }
        if (command.passwordHash() == null) {
            throw new InvalidValueException("password", "is required");
        }
        apply(new UserCreatedEvent(command.userId(), name, command.passwordHash(), command.systemAdmin(),
                command.by()));
    }

    @CommandHandler
    void handle(SetPasswordCommand command) {
        if (command.passwordHash() == null) {
            throw new InvalidValueException("password", "is required");
        }
        apply(new UserPasswordSetEvent(userId, command.passwordHash(), command.by()));
    }

    @CommandHandler
    void handle(SetUserGroupsCommand command) {
        java.util.Set<String> groups = command.groups() == null ? java.util.Set.of() : java.util.Set.copyOf(command.groups());
        if (groups.size() > 100) {
            throw new InvalidValueException("groups", "a user belongs to at most 100 groups");
        }
        for (String group : groups) {
            if (group == null || !group.matches("[A-Za-z0-9._@+\\-]{1,128}")) {
                throw new InvalidValueException("groups", "group names are 1-128 letters, digits and . _ @ + -");
            }
        }
        apply(new UserGroupsSetEvent(userId, new java.util.TreeSet<>(groups), command.by()));
    }

    @CommandHandler
    void handle(DisableUserCommand command) {
        if (!disabled) {
            apply(new UserDisabledEvent(userId, command.by()));
        }
    }

    @CommandHandler
    void handle(EnableUserCommand command) {
        if (disabled) {
            apply(new UserEnabledEvent(userId, command.by()));
        }
    }

    @CommandHandler
    void handle(IssueApiTokenCommand command) {
        if (command.tokenId() == null || !command.tokenId().matches("[A-Za-z0-9_-]{8,64}")) {
            throw new InvalidValueException("tokenId", "must be 8-64 URL-safe characters");
        }
        String name = command.name() == null ? "" : command.name().strip();
        if (name.length() > 100 || name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidValueException("name", "must be at most 100 printable characters");
        }
        if (activeTokens.size() >= MAX_TOKENS) {
            throw new InvalidValueException("token", "a user may have at most " + MAX_TOKENS + " active tokens");
        }
        if (command.tokenHash() == null) {
            throw new InvalidValueException("token", "is required");
        }
        apply(new ApiTokenIssuedEvent(userId, command.tokenId(), name, command.tokenHash(), command.expiresAt(),
                command.by()));
    }

    @CommandHandler
    void handle(RevokeApiTokenCommand command) {
        if (!activeTokens.contains(command.tokenId())) {
            throw new UnknownTokenException("no active token " + command.tokenId());
        }
        apply(new ApiTokenRevokedEvent(userId, command.tokenId(), command.by()));
    }

    @EventSourcingHandler
    void on(UserCreatedEvent event) {
        accountId = event.userId().accountId();
        userId = event.userId();
    }

    @EventSourcingHandler
    void on(UserDisabledEvent event) {
        disabled = true;
    }

    @EventSourcingHandler
    void on(UserEnabledEvent event) {
        disabled = false;
    }

    @EventSourcingHandler
    void on(ApiTokenIssuedEvent event) {
        activeTokens.add(event.tokenId());
    }

    @EventSourcingHandler
    void on(ApiTokenRevokedEvent event) {
        activeTokens.remove(event.tokenId());
    }
}
