package io.filestore.replay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Which long operations may run together: one backup at a time, one rebuild at a time, and a restore only alone
 * (it replaces the store that backups read and resets every projection). A blob garbage collection, which decides
 * from the metadata view which blobs are unreferenced, must not overlap a restore or a rebuild (views being rebuilt
 * reference too few blobs): a collector takes {@link Kind#BLOB_COLLECTION} for its pass. Nor may it start while a
 * restore or rebuild that a crash interrupted is still RUNNING in the {@code long_operation} table (the start
 * resumes it, but a collection could come first).
 *
 * <p>The rules hold across every instance on the database: a running operation is a set of PostgreSQL
 * session-level advisory locks ({@code (20261205, n)}) on one connection taken from the pool and kept until
 * {@link #end}. Every operation holds its kind's lock exclusively (one of each kind at a time); a restore holds the
 * "restore" lock exclusively and every other operation holds it shared (a restore runs alone); a rebuild and a blob
 * collection both hold the "views" lock exclusively (never together). The locks go with the session, so an instance
 * that dies (kill -9, a lost network) releases its operations' locks with it, as {@code SingletonJobs} relies on.
 * A rebuild also resets event processors, which Axon can only do where they are stopped: while other instances are
 * live ({@link LiveInstances}) it is refused ({@link OtherInstancesLiveException}). A restore resets them too, but
 * the other instances follow it and stop theirs first ({@code RestoreFollower}), so it runs beside them.
 */
@Component
public class OperationGuard {

    public enum Kind { BACKUP, RESTORE, REBUILD, BLOB_COLLECTION }

    /** The first key of every operation lock (SingletonJobs uses 20261204). */
    static final int CLASS_KEY = 20261205;
    /** Held exclusively by a restore, shared by every other operation. */
    private static final int RESTORE_LOCK = 100;
    /** Held exclusively by a rebuild and by a blob collection. */
    private static final int VIEWS_LOCK = 101;

    private static final Logger log = LoggerFactory.getLogger(OperationGuard.class);

    private final DataSource dataSource;
    private final BooleanSupplier interruptedViewsOperation;
    private final LiveInstances instances;
    private final Map<Kind, Connection> held = new EnumMap<>(Kind.class);

    @Autowired
    public OperationGuard(DataSource dataSource, LongOperations operations, LiveInstances instances) {
        this(dataSource, () -> !operations.unfinished(Kind.RESTORE).isEmpty()
                || !operations.unfinished(Kind.REBUILD).isEmpty(), instances);
    }

    OperationGuard(DataSource dataSource, BooleanSupplier interruptedViewsOperation, LiveInstances instances) {
        this.dataSource = dataSource;
        this.interruptedViewsOperation = interruptedViewsOperation;
        this.instances = instances;
    }

    /**
     * Marks {@code kind} as running on this instance, or throws {@link OperationConflictException} naming what is in
     * the way (here or on another instance).
     */
    public void begin(Kind kind) {
        begin(kind, true);
    }

    /**
     * Takes {@code kind} for the recovery at start of operations a stop interrupted: as {@link #begin}, retried for
     * at most {@code wait}, but beside other live instances too (rolling back, or finding that the operation is in
     * fact running on another instance, needs no processor reset; a resume that resets processors checks
     * {@link #requireAlone} itself). Holding it, the caller reads the unfinished operations: one still RUNNING in
     * the table then is not running anywhere, since an operation keeps its kind's lock until it has recorded its end.
     *
     * @return false when another instance runs an operation of this kind (or one in the way) now: leave its
     *         unfinished rows alone
     */
    public boolean beginRecovery(Kind kind, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                begin(kind, false);
                return true;
            } catch (OperationConflictException e) {
                if (System.nanoTime() > deadline) {
                    if (!wait.isZero()) { // a zero wait is a follower's frequent look (RestoreFollower): no log
                        log.info("Not recovering interrupted {}s now: {}", name(kind), e.getMessage());
                    }
                    return false;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Throws {@link OtherInstancesLiveException} while other instances are live (a processor reset needs them gone). */
    public void requireAlone(Kind kind) {
        List<String> others = instances.others();
        if (!others.isEmpty()) {
            throw new OtherInstancesLiveException(name(kind), others);
        }
    }

    private void begin(Kind kind, boolean resets) {
        Connection connection;
        try {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            throw new OperationConflictException("cannot take the " + name(kind) + "'s lock in the database ("
                    + e.getMessage() + "); retry later");
        }
        boolean keep = false;
        try {
            take(connection, kind);
            if (resets && kind == Kind.REBUILD) {
                requireAlone(kind);
            }
            synchronized (held) {
                held.put(kind, connection);
            }
            keep = true;
        } catch (SQLException e) {
            throw new OperationConflictException("cannot take the " + name(kind) + "'s lock in the database ("
                    + e.getMessage() + "); retry later");
        } finally {
            if (!keep) {
                close(connection);
            }
        }
    }

    /** Takes {@code kind}'s locks on {@code connection} in the order of the rules' messages. */
    private void take(Connection connection, Kind kind) throws SQLException {
        if (kind != Kind.RESTORE && !tryLock(connection, RESTORE_LOCK, true)) {
            throw new OperationConflictException("a restore is running");
        }
        if (!tryLock(connection, key(kind), false)) {
            throw new OperationConflictException(kind == Kind.RESTORE ? "a restore is running"
                    : "a " + name(kind) + " is already running");
        }
        if (kind == Kind.RESTORE && !tryLock(connection, RESTORE_LOCK, false)) {
            List<Kind> running = runningElsewhere(connection);
            throw new OperationConflictException(running.isEmpty() ? "another operation is running"
                    : "a " + name(running.get(0)) + " is running");
        }
        if ((kind == Kind.REBUILD || kind == Kind.BLOB_COLLECTION) && !tryLock(connection, VIEWS_LOCK, false)) {
            throw new OperationConflictException("a rebuild and a blob garbage collection cannot run together");
        }
        if (kind == Kind.BLOB_COLLECTION && interruptedViewsOperation.getAsBoolean()) {
            throw new OperationConflictException("a restore or rebuild interrupted by a stop of the service is "
                    + "being resumed");
        }
    }

    /**
     * {@link #begin}, retried while something is in the way for at most {@code wait} (an operation resumed at start
     * waits for a pass that began before it). Other live instances are not waited for.
     */
    public void beginWithin(Kind kind, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                begin(kind);
                return;
            } catch (OtherInstancesLiveException e) {
                throw e;
            } catch (OperationConflictException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationConflictException("interrupted while waiting to begin a " + name(kind));
            }
        }
    }

    /** The operation ended: its locks are released (the session's connection goes back to the pool). */
    public void end(Kind kind) {
        Connection connection;
        synchronized (held) {
            connection = held.remove(kind);
        }
        if (connection != null) {
            close(connection);
        }
    }

    private static boolean tryLock(Connection connection, int key, boolean shared) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(shared
                ? "SELECT pg_try_advisory_lock_shared(?, ?)" : "SELECT pg_try_advisory_lock(?, ?)")) {
            lock.setInt(1, CLASS_KEY);
            lock.setInt(2, key);
            try (ResultSet result = lock.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }

    /** The kinds whose locks some session holds now. */
    private static List<Kind> runningElsewhere(Connection connection) throws SQLException {
        List<Kind> running = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT objid FROM pg_locks WHERE locktype = "
                + "'advisory' AND granted AND classid = ? AND objsubid = 2 AND pid <> pg_backend_pid() AND database = "
                + "(SELECT oid FROM pg_database WHERE datname = current_database())")) {
            query.setInt(1, CLASS_KEY);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    for (Kind kind : Kind.values()) {
                        if (key(kind) == rows.getLong(1) && !running.contains(kind)) {
                            running.add(kind);
                        }
                    }
                }
            }
        }
        running.sort(null);
        return running;
    }

    private static int key(Kind kind) {
        return 1 + kind.ordinal();
    }

    /**
     * Releases every lock the connection's session holds, then returns it to the pool (where the session lives on:
     * closing a pooled connection alone would keep its locks).
     */
    private static void close(Connection connection) {
        try (connection; PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock_all()")) {
            unlock.execute();
        } catch (SQLException e) {
            // a broken connection: its session, and its locks, end with it
            log.warn("Releasing an operation's locks failed: {}", e.toString());
        }
    }

    private static String name(Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
