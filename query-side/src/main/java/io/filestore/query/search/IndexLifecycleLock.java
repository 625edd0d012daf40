package io.filestore.query.search;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Keeps the search index's lifecycle on one instance at a time when several share the database and Elasticsearch:
 * creating the index and alias at start, opening a rebuild's new index and the alias swap run under a PostgreSQL
 * session-level advisory lock ({@code (20261206, 1)}), so two instances starting together end with one index behind
 * one alias. A rebuild or fill in progress holds a second lock ({@code (20261206, 2)}) until it completes: an
 * instance starting meanwhile sees it ({@link #buildingElsewhere()}) and neither deletes the index being built nor
 * takes it for the remains of a crash. Both locks go with their session, so an instance that dies releases them.
 */
@Component
public class IndexLifecycleLock {

    static final int CLASS_KEY = 20261206;
    private static final int LIFECYCLE = 1;
    private static final int BUILDING = 2;
    /** How long a start waits for another instance's preparation before it retries later. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(IndexLifecycleLock.class);

    /** A step of the lifecycle. */
    interface Section<T> {
        T run() throws IOException;
    }

    private final DataSource dataSource;
    /** The session holding the building lock while a rebuild or fill of this instance runs, else null. */
    private Connection building;

    @Autowired
    public IndexLifecycleLock(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** One process alone (tests): no lock to take. */
    static IndexLifecycleLock local() {
        return new IndexLifecycleLock(null);
    }

    /**
     * Runs {@code section} while no other instance runs a step of the lifecycle.
     *
     * @throws IOException when the lock cannot be had within {@link #WAIT} or the database cannot be reached (the
     *                     caller retries, as when Elasticsearch is unreachable)
     */
    <T> T exclusively(Section<T> section) throws IOException {
        if (dataSource == null) {
            return section.run();
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!tryLock(connection, LIFECYCLE)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("another instance is preparing the search index; retrying later");
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for another instance's search index step");
                }
            }
            try {
                return section.run();
            } finally {
                unlock(connection, LIFECYCLE);
            }
        } catch (SQLException e) {
            throw new IOException("cannot take the search index lock in the database: " + e.getMessage(), e);
        }
    }

    /** Marks a rebuild or fill of this instance as running (true) or done (false); under {@link #exclusively}. */
    synchronized void building(boolean running) {
        if (dataSource == null || running == (building != null)) {
            return;
        }
        try {
            if (running) {
                Connection connection = dataSource.getConnection();
                connection.setAutoCommit(true);
                if (!tryLock(connection, BUILDING)) {
                    log.warn("search: another instance is building an index too");
                }
                building = connection;
            } else {
                Connection connection = building;
                building = null;
                try (connection) {
                    unlock(connection, BUILDING);
                }
            }
        } catch (SQLException e) {
            log.warn("search: cannot {} the index-building mark in the database: {}", running ? "set" : "clear",
                    e.toString());
        }
    }

    /** Whether another instance has a rebuild or fill running now; under {@link #exclusively}. */
    synchronized boolean buildingElsewhere() throws IOException {
        if (dataSource == null || building != null) {
            return false;
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            if (tryLock(connection, BUILDING)) {
                unlock(connection, BUILDING);
                return false;
            }
            return true;
        } catch (SQLException e) {
            throw new IOException("cannot ask the database whether the search index is being built: "
                    + e.getMessage(), e);
        }
    }

    private static boolean tryLock(Connection connection, int key) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            lock.setInt(1, CLASS_KEY);
            lock.setInt(2, key);
            try (ResultSet result = lock.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }

    private static void unlock(Connection connection, int key) throws SQLException {
        try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
            unlock.setInt(1, CLASS_KEY);
            unlock.setInt(2, key);
            unlock.execute();
        }
    }
}
