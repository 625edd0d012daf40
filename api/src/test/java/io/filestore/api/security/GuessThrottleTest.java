package io.filestore.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The throttle's rules, on the in-memory counts; {@link PostgresGuessThrottleTest} runs the same rules on the
 * shared PostgreSQL counts.
 */
class GuessThrottleTest {

    final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    GuessThrottle throttle;

    /** The counts under test; null: in memory. */
    GuessCounts counts() {
        return null;
    }

    @BeforeEach
    void createThrottle() {
        throttle = new GuessThrottle(now::get, counts(), GuessThrottle.FREE_PER_PAIR, GuessThrottle.FREE_PER_ADDRESS);
    }

    void advanceSeconds(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toMillis(seconds));
    }

    void fail(String secret, String address, int times) {
        for (int i = 0; i < times; i++) {
            assertThat(throttle.retryAfter(secret, address)).as("attempt %d", i + 1).isZero();
            throttle.failed(secret, address);
        }
    }

    @Test
    void theFirstFiveWrongPasswordsOfAPairAreFreeThenTheDelayDoubles() {
        fail("account:alice", "10.0.0.9", GuessThrottle.FREE_PER_PAIR);
        assertThat(throttle.retryAfter("account:alice", "10.0.0.9")).isEqualTo(1);
        advanceSeconds(1);
        fail("account:alice", "10.0.0.9", 1);
        assertThat(throttle.retryAfter("account:alice", "10.0.0.9")).isEqualTo(2);
        advanceSeconds(2);
        fail("account:alice", "10.0.0.9", 1);
        assertThat(throttle.retryAfter("account:alice", "10.0.0.9")).isEqualTo(4);
        assertThat(GuessThrottle.delaySeconds(30)).isEqualTo(GuessThrottle.MAX_DELAY_SECONDS);
    }

    @Test
    void aStrangerGuessingDoesNotSlowTheOwnerFromAnotherAddress() {
        fail("account:alice", "203.0.113.7", GuessThrottle.FREE_PER_PAIR);
        for (int i = 0; i < 8; i++) {
            advanceSeconds(throttle.retryAfter("account:alice", "203.0.113.7"));
            throttle.failed("account:alice", "203.0.113.7");
        }
        assertThat(throttle.retryAfter("account:alice", "203.0.113.7")).isGreaterThan(100);

        assertThat(throttle.retryAfter("account:alice", "198.51.100.1")).isZero();
    }

    @Test
    void anAddressGuessingAcrossManySecretsRunsOutOfItsOwnBudget() {
        for (int i = 0; i < GuessThrottle.FREE_PER_ADDRESS; i++) {
            fail("link:share-" + i, "203.0.113.7", 1);
        }
        assertThat(throttle.retryAfter("link:another", "203.0.113.7")).isEqualTo(1);
        assertThat(throttle.retryAfter("link:another", "198.51.100.1")).isZero();
    }

    @Test
    void theRightPasswordClearsThePair() {
        fail("link:abc", "10.0.0.9", GuessThrottle.FREE_PER_PAIR - 1);
        throttle.succeeded("link:abc", "10.0.0.9");
        fail("link:abc", "10.0.0.9", GuessThrottle.FREE_PER_PAIR);
        assertThat(throttle.retryAfter("link:abc", "10.0.0.9")).isPositive();
    }

    @Test
    void failuresAreForgottenAnHourAfterTheLast() {
        fail("account:bob", "10.0.0.9", GuessThrottle.FREE_PER_PAIR);
        assertThat(throttle.retryAfter("account:bob", "10.0.0.9")).isPositive();
        advanceSeconds(TimeUnit.MINUTES.toSeconds(GuessThrottle.FORGET_AFTER_MINUTES) + 1);
        assertThat(throttle.retryAfter("account:bob", "10.0.0.9")).isZero();
        fail("account:bob", "10.0.0.9", GuessThrottle.FREE_PER_PAIR);
    }

    @Test
    void keepsAtMostMaxKeysCountsInMemory() {
        MemoryGuessCounts memory = new MemoryGuessCounts(GuessThrottle.MAX_KEYS);
        for (int i = 0; i < GuessThrottle.MAX_KEYS; i++) {
            memory.failed(java.util.List.of("account:u" + i, "address:" + i), now.get(), 0);
        }
        assertThat(memory.size()).isEqualTo(GuessThrottle.MAX_KEYS);
    }
}
