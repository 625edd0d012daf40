package io.filestore.api.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Jobs that run on one instance at a time when several share the database and the storage nodes: a
 * PostgreSQL session-level advisory lock ({@code pg_try_advisory_lock(20261204, job)}) held on a connection taken
 * from the pool for the whole job. The lock goes with the session: when the job ends it is released, and when the
 * instance dies (kill -9, a lost network) PostgreSQL ends the session and releases it, so another instance can take
 * the job over. Each held lock takes one pool connection for the job's duration (at most one per job kind).
 */
@Component
public class SingletonJobs {

    /** The jobs, each with its lock's second key. */
    public enum Job {
        SCRUB(1), REBALANCE(2), DRAIN(3), TRASH_PURGE(4), BLOB_COLLECTION(5), REWRAP(6), UPLOAD_CLEANUP(7),
        /** A change of the master keyset file (rotation, retirement): never two at once on a shared file. */
        KEYSET(8);

        final int key;

        Job(int key) {
            this.key = key;
        }
    }

    /** The first key of every job lock. */
    static final int CLASS_KEY = 20261204;

    private static final Logger log = LoggerFactory.getLogger(SingletonJobs.class);

    private final DataSource dataSource;

    public SingletonJobs(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A held lock; closing it releases the lock and returns the connection. */
    public static final class Held implements AutoCloseable {
        private final Connection connection;
        private final Job job;

        private Held(Connection connection, Job job) {
            this.connection = connection;
            this.job = job;
        }

        @Override
        public void close() {
            try (connection; PreparedStatement unlock = connection.prepareStatement(
                    "SELECT pg_advisory_unlock(?, ?)")) {
                unlock.setInt(1, CLASS_KEY);
                unlock.setInt(2, job.key);
                unlock.execute();
            } catch (SQLException e) {
                // the session (and with it the lock) ends when the connection is closed or dies
                log.warn("Releasing the {} lock failed: {}", job, e.toString());
            }
        }
    }

    /**
     * Takes the job's lock if no instance holds it.
     *
     * @return the held lock, or empty when another instance (or another run here) holds it or the database cannot be
     *         reached (the job then does not run now)
     */
    public Optional<Held> tryLock(Job job) {
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
                lock.setInt(1, CLASS_KEY);
                lock.setInt(2, job.key);
                try (ResultSet result = lock.executeQuery()) {
                    if (result.next() && result.getBoolean(1)) {
                        return Optional.of(new Held(connection, job));
                    }
                }
            }
            connection.close();
            log.info("The {} job runs on another instance now; not started here", job);
            return Optional.empty();
        } catch (SQLException e) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // closing a broken connection
                }
            }
            log.warn("Cannot take the {} lock ({}); the job does not run now", job, e.toString());
            return Optional.empty();
        }
    }
}
