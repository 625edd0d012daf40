package io.filestore.api.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.api.storage.SingletonJobs.Held;
import io.filestore.api.storage.SingletonJobs.Job;
import io.filestore.testsupport.TestServicesSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The storage jobs' advisory locks against the real PostgreSQL: two "instances" (two data sources, so two sessions)
 * never hold the same job's lock at once; the lock is free again when its holder releases it or its session ends.
 */
class SingletonJobsTest {

    private static PGSimpleDataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(TestServicesSource.services().jdbcUrl());
        dataSource.setUser(TestServicesSource.services().user());
        dataSource.setPassword(TestServicesSource.services().password());
        return dataSource;
    }

    @Test
    void oneInstanceAtATimeHoldsAJobAndOtherJobsAreIndependent() {
        SingletonJobs first = new SingletonJobs(dataSource());
        SingletonJobs second = new SingletonJobs(dataSource());

        Optional<Held> scrub = first.tryLock(Job.SCRUB);
        assertThat(scrub).isPresent();
        assertThat(second.tryLock(Job.SCRUB)).isEmpty();
        Optional<Held> rebalance = second.tryLock(Job.REBALANCE);
        assertThat(rebalance).isPresent();
        assertThat(first.tryLock(Job.REBALANCE)).isEmpty();

        scrub.get().close();
        rebalance.get().close();
        Optional<Held> taken = second.tryLock(Job.SCRUB);
        assertThat(taken).isPresent();
        taken.get().close();
    }

    @Test
    void aLockDiesWithItsSessionAsWithAKilledInstance() throws SQLException {
        PGSimpleDataSource dataSource = dataSource();
        // the "instance" keeps its connection open, then loses it without unlocking
        Connection[] session = new Connection[1];
        SingletonJobs dying = new SingletonJobs(new org.springframework.jdbc.datasource.AbstractDataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                session[0] = dataSource.getConnection();
                return session[0];
            }

            @Override
            public Connection getConnection(String username, String password) throws SQLException {
                return getConnection();
            }
        });
        SingletonJobs survivor = new SingletonJobs(dataSource());
        assertThat(dying.tryLock(Job.DRAIN)).isPresent();
        assertThat(survivor.tryLock(Job.DRAIN)).isEmpty();

        session[0].close(); // the session ends without pg_advisory_unlock

        Optional<Held> taken = survivor.tryLock(Job.DRAIN);
        assertThat(taken).isPresent();
        taken.get().close();
    }
}
