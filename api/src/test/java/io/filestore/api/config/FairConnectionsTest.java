package io.filestore.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.filestore.api.config.FairConnections.FairDataSource;
import io.filestore.testsupport.TestServicesSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fair queue in front of a real HikariCP pool on the real PostgreSQL: connections go to waiters in arrival order,
 * a wait ends at the pool's connection timeout, and a connection closed twice gives its place back once.
 */
class FairConnectionsTest {

    private HikariDataSource pool;
    private DataSource fair;

    @BeforeEach
    void pool() {
        pool = new HikariDataSource();
        pool.setJdbcUrl(TestServicesSource.services().jdbcUrl());
        pool.setUsername(TestServicesSource.services().user());
        pool.setPassword(TestServicesSource.services().password());
        pool.setMaximumPoolSize(1);
        pool.setConnectionTimeout(1000);
        fair = (DataSource) FairConnections.fairConnectionOrder().postProcessAfterInitialization(pool, "dataSource");
    }

    @AfterEach
    void close() {
        pool.close();
    }

    @Test
    void wrapsThePoolAndStillUnwrapsToIt() throws Exception {
        assertThat(fair).isInstanceOf(FairDataSource.class);
        assertThat(fair.isWrapperFor(HikariDataSource.class)).isTrue();
        assertThat(fair.unwrap(HikariDataSource.class)).isSameAs(pool);
        try (Connection connection = fair.getConnection()) {
            assertThat(select(connection)).isEqualTo(1);
            assertThat(connection.unwrap(org.postgresql.PGConnection.class)).isNotNull();
        }
    }

    @Test
    void waitersGetTheConnectionInArrivalOrder() throws Exception {
        List<Integer> served = Collections.synchronizedList(new ArrayList<>());
        List<Thread> waiters = new ArrayList<>();
        Connection held = fair.getConnection();
        for (int i = 0; i < 5; i++) {
            int id = i;
            Thread waiter = new Thread(() -> {
                try (Connection connection = fair.getConnection()) {
                    served.add(id);
                    select(connection);
                } catch (Exception e) {
                    served.add(-1);
                }
            });
            waiter.start();
            waiters.add(waiter);
            awaitQueued(i + 1);
        }
        held.close();
        for (Thread waiter : waiters) {
            waiter.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertThat(served).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aWaitEndsAtThePoolsTimeoutWithATransientError() throws Exception {
        try (Connection held = fair.getConnection()) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> fair.getConnection()).isInstanceOf(SQLTransientConnectionException.class);
            assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(900));
            assertThat(select(held)).isEqualTo(1);
        }
        try (Connection again = fair.getConnection()) {
            assertThat(select(again)).isEqualTo(1);
        }
    }

    @Test
    void aConnectionClosedTwiceGivesItsPlaceBackOnce() throws Exception {
        Connection first = fair.getConnection();
        first.close();
        first.close();
        assertThat(((FairDataSource) fair).available()).isEqualTo(1);
        try (Connection second = fair.getConnection()) {
            assertThat(((FairDataSource) fair).available()).isZero();
            assertThat(select(second)).isEqualTo(1);
        }
        assertThat(((FairDataSource) fair).available()).isEqualTo(1);
    }

    private void awaitQueued(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (((FairDataSource) fair).queued() < count) {
            assertThat(System.nanoTime()).as("waiter %d queued", count).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static int select(Connection connection) throws Exception {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
