package io.filestore.query.users;

import io.filestore.command.api.ApiTokenIssuedEvent;
import io.filestore.command.api.ApiTokenRevokedEvent;
import io.filestore.command.api.UserCreatedEvent;
import io.filestore.command.api.UserDisabledEvent;
import io.filestore.command.api.UserEnabledEvent;
import io.filestore.command.api.UserGroupsSetEvent;
import io.filestore.command.api.UserPasswordSetEvent;
import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.stereotype.Component;

/** Builds the user and token views that authentication reads. */
@Component
@ProcessingGroup(UsersProjection.PROCESSING_GROUP)
public class UsersProjection {

    public static final String PROCESSING_GROUP = "users";

    private final UsersRepository repository;

    public UsersProjection(UsersRepository repository) {
        this.repository = repository;
    }

    @EventHandler
    void on(UserCreatedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        repository.insertUser(event.userId(), event.displayName(), event.passwordHash(), event.systemAdmin(), at, seq);
    }

    @EventHandler
    void on(UserPasswordSetEvent event, @SequenceNumber long seq) {
        repository.setPassword(event.userId(), event.passwordHash(), seq);
    }

    @EventHandler
    void on(UserDisabledEvent event, @SequenceNumber long seq) {
        repository.setDisabled(event.userId(), true, seq);
    }

    @EventHandler
    void on(UserEnabledEvent event, @SequenceNumber long seq) {
        repository.setDisabled(event.userId(), false, seq);
    }

    @EventHandler
    void on(UserGroupsSetEvent event, @SequenceNumber long seq) {
        repository.setGroups(event.userId(), event.groups(), seq);
    }

    @EventHandler
    void on(ApiTokenIssuedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        repository.insertToken(event.tokenId(), event.userId(), event.name(), event.tokenHash(), event.expiresAt(),
                at, seq);
    }

    @EventHandler
    void on(ApiTokenRevokedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        repository.revokeToken(event.tokenId(), event.userId(), at, seq);
    }

    @ResetHandler
    void reset() {
        repository.deleteAll();
    }
}
