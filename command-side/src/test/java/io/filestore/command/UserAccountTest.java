package io.filestore.command;

import io.filestore.command.api.ApiTokenIssuedEvent;
import io.filestore.command.api.ApiTokenRevokedEvent;
import io.filestore.command.api.CreateUserCommand;
import io.filestore.command.api.DisableUserCommand;
import io.filestore.command.api.EnableUserCommand;
import io.filestore.command.api.InvalidValueException;
import io.filestore.command.api.IssueApiTokenCommand;
import io.filestore.command.api.PasswordHash;
import io.filestore.command.api.RevokeApiTokenCommand;
import io.filestore.command.api.SetPasswordCommand;
import io.filestore.command.api.TokenHash;
import io.filestore.command.api.UnknownTokenException;
import io.filestore.command.api.UserCreatedEvent;
import io.filestore.command.api.UserDisabledEvent;
import io.filestore.command.api.UserEnabledEvent;
import io.filestore.command.api.UserId;
import io.filestore.command.api.UserPasswordSetEvent;
import java.time.Instant;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class UserAccountTest {

    private static final UserId BOB = new UserId("bob");
    private static final UserId ADMIN = new UserId("admin");
    private static final PasswordHash HASH = new PasswordHash("{bcrypt}$2a$10$abcdefghijklmnopqrstuv");
    private static final PasswordHash HASH_2 = new PasswordHash("{bcrypt}$2a$10$zyxwvutsrqponmlkjihgfe");
    private static final TokenHash TOKEN = new TokenHash("d".repeat(64));
    private static final Instant EXPIRES = Instant.parse("2030-01-01T00:00:00Z");
    private static final UserCreatedEvent CREATED = new UserCreatedEvent(BOB, "Bob", HASH, false, ADMIN);

    private FixtureConfiguration<UserAccount> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(UserAccount.class);
    }

    @Nested
    class Create {

        @Test
        void createsUserWithHashedPassword() {
            fixture.givenNoPriorActivity()
                    .when(new CreateUserCommand(BOB, " Bob ", HASH, false, ADMIN))
                    .expectEvents(CREATED);
        }

        @Test
        void rejectsControlCharactersInDisplayName() {
            // the command itself refuses it (InputRules), before it can reach the aggregate
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> new CreateUserCommand(BOB, "Bo\u0007b", HASH, false, ADMIN))
                    .isInstanceOf(InvalidValueException.class);
        }
    }

    @Nested
    class Credentials {

        @Test
        void replacesPassword() {
            fixture.given(CREATED)
                    .when(new SetPasswordCommand(BOB, HASH_2, BOB))
                    .expectEvents(new UserPasswordSetEvent(BOB, HASH_2, BOB));
        }

        @Test
        void issuesAndRevokesTokens() {
            fixture.given(CREATED)
                    .when(new IssueApiTokenCommand(BOB, "tok12345", "laptop", TOKEN, EXPIRES, BOB))
                    .expectEvents(new ApiTokenIssuedEvent(BOB, "tok12345", "laptop", TOKEN, EXPIRES, BOB));
            fixture.given(CREATED, new ApiTokenIssuedEvent(BOB, "tok12345", "laptop", TOKEN, EXPIRES, BOB))
                    .when(new RevokeApiTokenCommand(BOB, "tok12345", BOB))
                    .expectEvents(new ApiTokenRevokedEvent(BOB, "tok12345", BOB));
        }

        @Test
        void rejectsRevokingUnknownOrRevokedToken() {
            fixture.given(CREATED, new ApiTokenIssuedEvent(BOB, "tok12345", "", TOKEN, EXPIRES, BOB),
                            new ApiTokenRevokedEvent(BOB, "tok12345", BOB))
                    .when(new RevokeApiTokenCommand(BOB, "tok12345", BOB))
                    .expectException(UnknownTokenException.class);
        }

        @Test
        void rejectsMalformedTokenId() {
            fixture.given(CREATED)
                    .when(new IssueApiTokenCommand(BOB, "../x", "", TOKEN, EXPIRES, BOB))
                    .expectException(InvalidValueException.class);
        }
    }

    @Nested
    class EnableDisable {

        @Test
        void disablesOnceAndEnablesAgain() {
            fixture.given(CREATED).when(new DisableUserCommand(BOB, ADMIN))
                    .expectEvents(new UserDisabledEvent(BOB, ADMIN));
            fixture.given(CREATED, new UserDisabledEvent(BOB, ADMIN)).when(new DisableUserCommand(BOB, ADMIN))
                    .expectNoEvents();
            fixture.given(CREATED, new UserDisabledEvent(BOB, ADMIN)).when(new EnableUserCommand(BOB, ADMIN))
                    .expectEvents(new UserEnabledEvent(BOB, ADMIN));
        }
    }
}
