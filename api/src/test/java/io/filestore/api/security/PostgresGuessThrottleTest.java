package io.filestore.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.testsupport.TestServicesSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The throttle's rules on the counts in the real PostgreSQL (every rule of {@link GuessThrottleTest} again), and what
 * sharing them means: two instances on one database agree, nothing readable is stored, forgotten counts are deleted,
 * and an unreachable database neither stops the throttling nor locks anybody out.
 */
class PostgresGuessThrottleTest extends GuessThrottleTest {

    private static PGSimpleDataSource dataSource;
    /**
     * A schema of this test's own: a table created in the test database's public schema would make the end-to-end
     * tests' application refuse to migrate it (a non-empty schema without Flyway's history).
     */
    private static final String SCHEMA = "guess_test_" + java.util.UUID.randomUUID().toString()
            .replace("-", "").substring(0, 12);

    static PGSimpleDataSource dataSource() {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(TestServicesSource.services().jdbcUrl());
        source.setUser(TestServicesSource.services().user());
        source.setPassword(TestServicesSource.services().password());
        source.setCurrentSchema(SCHEMA);
        return source;
    }

    @BeforeAll
    static void createTable() throws IOException, SQLException {
        dataSource = dataSource();
        execute("CREATE SCHEMA " + SCHEMA);
        try (InputStream in = PostgresGuessThrottleTest.class.getResourceAsStream(
                "/db/migration/V164__password_guesses.sql");
             Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @org.junit.jupiter.api.AfterAll
    static void dropSchema() throws SQLException {
        execute("DROP SCHEMA " + SCHEMA + " CASCADE");
    }

    @BeforeEach
    void emptyTable() throws SQLException {
        execute("DELETE FROM password_guess");
    }

    @Override
    GuessCounts counts() {
        return new PostgresGuessCounts(dataSource);
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long rows(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    @Test
    void twoInstancesOnOneDatabaseCountTheSameGuesses() {
        GuessThrottle first = throttle;
        GuessThrottle second = new GuessThrottle(now::get, new PostgresGuessCounts(dataSource()),
                GuessThrottle.FREE_PER_PAIR, GuessThrottle.FREE_PER_ADDRESS);

        // a guesser alternating between the two instances behind a load balancer
        for (int i = 0; i < GuessThrottle.FREE_PER_PAIR; i++) {
            GuessThrottle instance = i % 2 == 0 ? first : second;
            assertThat(instance.retryAfter("account:alice", "203.0.113.7")).isZero();
            instance.failed("account:alice", "203.0.113.7");
        }

        assertThat(first.retryAfter("account:alice", "203.0.113.7")).isEqualTo(1);
        assertThat(second.retryAfter("account:alice", "203.0.113.7")).isEqualTo(1);
        second.succeeded("account:alice", "203.0.113.7");
        assertThat(first.retryAfter("account:alice", "203.0.113.7")).as("cleared on the other instance").isZero();
    }

    @Test
    void concurrentFailuresOnTwoInstancesAreAllCounted() throws Exception {
        GuessThrottle second = new GuessThrottle(now::get, new PostgresGuessCounts(dataSource()),
                GuessThrottle.FREE_PER_PAIR, GuessThrottle.FREE_PER_ADDRESS);
        int each = 20;
        Thread a = new Thread(() -> {
            for (int i = 0; i < each; i++) {
                throttle.failed("link:x", "198.51.100.4");
            }
        });
        Thread b = new Thread(() -> {
            for (int i = 0; i < each; i++) {
                second.failed("link:x", "198.51.100.4");
            }
        });
        a.start();
        b.start();
        a.join();
        b.join();

        assertThat(rows("SELECT max(failures) FROM password_guess")).isEqualTo(2L * each);
    }

    @Test
    void storesNeitherSecretsNorAddressesReadably() throws SQLException {
        fail("link:secret-share-id", "192.0.2.55", 1);

        assertThat(rows("SELECT count(*) FROM password_guess")).isEqualTo(2);
        assertThat(rows("SELECT count(*) FROM password_guess WHERE position('secret-share-id'::bytea in key) > 0 "
                + "OR position('192.0.2.55'::bytea in key) > 0 OR octet_length(key) <> 32")).isZero();
    }

    @Test
    @Override
    void keepsAtMostMaxKeysCountsInMemory() {
        // the table is bounded by time instead: see forgottenCountsAreDeletedByThePeriodicCleanup
    }

    @Test
    void forgottenCountsAreDeletedByThePeriodicCleanup() throws SQLException {
        fail("account:old", "10.0.0.1", 3);
        advanceSeconds(TimeUnit.MINUTES.toSeconds(GuessThrottle.FORGET_AFTER_MINUTES) - 60);
        fail("account:recent", "10.0.0.2", 1);
        advanceSeconds(120);

        throttle.forgetOld();

        assertThat(rows("SELECT count(*) FROM password_guess")).as("the recent pair and its address").isEqualTo(2);
    }

    @Test
    void anUnreachableDatabaseFallsBackToThisInstancesOwnCounts() {
        PGSimpleDataSource down = dataSource();
        down.setServerNames(new String[] {"127.0.0.1"});
        down.setPortNumbers(new int[] {1});
        down.setConnectTimeout(2);
        GuessThrottle cut = new GuessThrottle(now::get, new PostgresGuessCounts(down), GuessThrottle.FREE_PER_PAIR,
                GuessThrottle.FREE_PER_ADDRESS);

        assertThat(cut.retryAfter("account:bob", "10.0.0.9")).as("nobody locked out").isZero();
        for (int i = 0; i < GuessThrottle.FREE_PER_PAIR; i++) {
            cut.failed("account:bob", "10.0.0.9");
        }
        assertThat(cut.retryAfter("account:bob", "10.0.0.9")).as("still throttled").isEqualTo(1);
        assertThat(cut.retryAfter("account:bob", "10.0.0.10")).isZero();
        assertThat(cut.memorySize()).as("the pair and the address").isEqualTo(2);
    }
}
