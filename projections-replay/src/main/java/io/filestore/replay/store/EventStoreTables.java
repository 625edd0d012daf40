package io.filestore.replay.store;

import io.filestore.command.api.FilePurgedEvent;
import io.filestore.command.api.FileUploadedEvent;
import io.filestore.command.api.FileVersionAddedEvent;
import io.filestore.command.api.FileVersionRestoredEvent;
import io.filestore.replay.archive.BlobRef;
import io.filestore.replay.archive.EventRow;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Direct access to Axon's JDBC event store tables (migration V1: {@code domain_event_entry},
 * {@code snapshot_event_entry}, {@code token_entry}) for backup and restore. PostgreSQL only: backups read an
 * exported snapshot, restores load with COPY and move tables aside into a schema.
 */
@Component
public class EventStoreTables {

    public static final String EVENTS = "domain_event_entry";
    public static final String SNAPSHOTS = "snapshot_event_entry";
    public static final String TOKENS = "token_entry";

    private static final String COLUMNS = "aggregate_identifier, sequence_number, type, event_identifier, "
            + "payload_type, payload_revision, payload, meta_data, time_stamp";
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final int FETCH = 1000;

    private final DataSource dataSource;

    public EventStoreTables(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Something done with a consistent view of the store up to {@code position}. */
    public interface ConsistentRead<T> {
        T read(Connection connection, long position) throws SQLException, IOException;
    }

    /** Receives rows one by one. */
    public interface RowHandler<T> {
        void accept(T row) throws IOException;
    }

    /** The highest global index in the store, 0 when it is empty. */
    public long head() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(global_index), 0) FROM " + EVENTS)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreAccessException("cannot read the head of the event store", e);
        }
    }

    /** Whether an event with this identifier is in the store. */
    public boolean holdsEvent(String eventIdentifier) {
        try (Connection c = dataSource.getConnection();
             java.sql.PreparedStatement s = c.prepareStatement("SELECT 1 FROM " + EVENTS
                     + " WHERE event_identifier = ?")) {
            s.setString(1, eventIdentifier);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new StoreAccessException("cannot read the event store", e);
        }
    }

    /**
     * Runs {@code read} in a read-only REPEATABLE READ transaction whose snapshot contains every event up to the
     * returned position and nothing that could later appear below it. How: a first transaction locks the event
     * table in SHARE mode (waiting, at most {@code lockTimeout}, for transactions that are inserting events to
     * finish, and holding new inserts back for a moment), reads the highest global index and exports its snapshot;
     * the reading transaction imports that snapshot and the lock is released at once. Any event inserted afterwards
     * draws its global index from the sequence after the lock, so above the position: there are no in-flight gaps
     * below it. Writes continue during the read.
     */
    public <T> T readConsistently(Duration lockTimeout, ConsistentRead<T> read) {
        try (Connection locker = dataSource.getConnection(); Connection reader = dataSource.getConnection()) {
            long position;
            String snapshot;
            try {
                locker.setAutoCommit(false);
                locker.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                try (Statement s = locker.createStatement()) {
                    s.execute("SET LOCAL lock_timeout = " + Math.max(1, lockTimeout.toMillis()));
                    s.execute("LOCK TABLE " + EVENTS + " IN SHARE MODE");
                    try (ResultSet rs = s.executeQuery("SELECT pg_export_snapshot(), "
                            + "(SELECT coalesce(max(global_index), 0) FROM " + EVENTS + ")")) {
                        rs.next();
                        snapshot = rs.getString(1);
                        position = rs.getLong(2);
                    }
                }
                reader.setAutoCommit(false);
                reader.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                reader.setReadOnly(true);
                try (Statement s = reader.createStatement()) {
                    s.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "") + "'");
                }
            } finally {
                locker.rollback(); // releases the lock; the reader keeps the snapshot
            }
            try {
                T result = read.read(reader, position);
                reader.commit();
                return result;
            } catch (SQLException | IOException | RuntimeException e) {
                reader.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreAccessException("reading the event store failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StoreAccessException("writing the backup failed: " + e.getMessage(), e);
        }
    }

    public long countEvents(Connection c, long position) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + EVENTS + " WHERE global_index <= ?")) {
            s.setLong(1, position);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Every event up to {@code position}, ascending, streamed through a cursor. */
    public void streamEvents(Connection c, long position, RowHandler<EventRow> handler)
            throws SQLException, IOException {
        try (PreparedStatement s = c.prepareStatement("SELECT global_index, " + COLUMNS + " FROM " + EVENTS
                + " WHERE global_index <= ? ORDER BY global_index")) {
            s.setFetchSize(FETCH);
            s.setLong(1, position);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    handler.accept(row(rs, rs.getLong("global_index")));
                }
            }
        }
    }

    /**
     * The snapshots that describe an aggregate at a sequence the events up to {@code position} reach (a snapshot
     * taken of a later event of the aggregate is left out).
     */
    public void streamSnapshots(Connection c, long position, RowHandler<EventRow> handler)
            throws SQLException, IOException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM " + SNAPSHOTS + " s "
                + "WHERE s.sequence_number <= (SELECT max(e.sequence_number) FROM " + EVENTS + " e "
                + "WHERE e.aggregate_identifier = s.aggregate_identifier AND e.global_index <= ?) "
                + "ORDER BY s.aggregate_identifier, s.sequence_number")) {
            s.setFetchSize(FETCH);
            s.setLong(1, position);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    handler.accept(row(rs, null));
                }
            }
        }
    }

    /**
     * Every blob the events up to {@code position} reference ({@code blobId.sha256} and {@code size} of the
     * payloads of uploads, new versions and rollbacks, as the JSON serializer writes them), once, by SHA-256;
     * {@code live} unless every file referencing it was purged by then. Sorted and deduplicated by PostgreSQL, so
     * memory does not grow with the number of blobs.
     */
    public void streamBlobReferences(Connection c, long position, RowHandler<BlobRef> handler)
            throws SQLException, IOException {
        String sql = """
                SELECT r.sha256, max(r.size), bool_or(r.live) FROM (
                    SELECT convert_from(e.payload, 'UTF8')::jsonb #>> '{blobId,sha256}' AS sha256,
                           (convert_from(e.payload, 'UTF8')::jsonb ->> 'size')::bigint AS size,
                           NOT EXISTS (SELECT 1 FROM %1$s p WHERE p.aggregate_identifier = e.aggregate_identifier
                                       AND p.payload_type = ? AND p.global_index <= ?) AS live
                    FROM %1$s e
                    WHERE e.global_index <= ? AND e.payload_type IN (?, ?, ?)
                ) r
                GROUP BY r.sha256 ORDER BY r.sha256
                """.formatted(EVENTS);
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setFetchSize(FETCH);
            s.setString(1, FilePurgedEvent.class.getName());
            s.setLong(2, position);
            s.setLong(3, position);
            s.setString(4, FileUploadedEvent.class.getName());
            s.setString(5, FileVersionAddedEvent.class.getName());
            s.setString(6, FileVersionRestoredEvent.class.getName());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    handler.accept(new BlobRef(rs.getString(1), rs.getLong(2), rs.getBoolean(3)));
                }
            }
        }
    }

    // ---- restore: every method below runs in the caller's transaction ------------------------------------------

    /** Takes the event and snapshot tables for this transaction alone (no reads, no writes), waiting at most so long. */
    public void lockForRestore(Connection c, Duration lockTimeout) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL lock_timeout = " + Math.max(1, lockTimeout.toMillis()));
            s.execute("LOCK TABLE " + EVENTS + ", " + SNAPSHOTS + " IN ACCESS EXCLUSIVE MODE");
        }
    }

    public boolean isEmpty(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM " + EVENTS + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * Whether the store holds nothing but what a first start writes: at most one event, the creation of the
     * bootstrapped administrator's account. A restore treats such a store as empty (and moves that event aside).
     */
    public boolean holdsOnlyBootstrap(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) <= 1 AND count(*) FILTER (WHERE NOT "
                     + "(aggregate_identifier LIKE 'user:%' AND sequence_number = 0)) = 0 FROM " + EVENTS)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** {@link #holdsOnlyBootstrap(Connection)} on a connection of its own. */
    public boolean holdsOnlyBootstrap() {
        try (Connection c = dataSource.getConnection()) {
            return holdsOnlyBootstrap(c);
        } catch (SQLException e) {
            throw new StoreAccessException("cannot read the event store", e);
        }
    }

    /** Snapshots of an empty store describe nothing it holds. */
    public void clearSnapshots(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DELETE FROM " + SNAPSHOTS);
        }
    }

    /**
     * Moves the event store aside: the event and snapshot tables (with their indexes and the global index sequence)
     * into the new schema {@code schema}, a copy of the processors' tokens with them, and creates empty tables of
     * the same definition with a fresh sequence in their place.
     */
    public void moveAside(Connection c, String schema) throws SQLException {
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("invalid schema name " + schema);
        }
        try (Statement s = c.createStatement()) {
            String current;
            try (ResultSet rs = s.executeQuery("SELECT current_schema()")) {
                rs.next();
                current = rs.getString(1);
            }
            s.execute("CREATE SCHEMA " + schema);
            s.execute("ALTER TABLE " + EVENTS + " SET SCHEMA " + schema);
            s.execute("ALTER TABLE " + SNAPSHOTS + " SET SCHEMA " + schema);
            s.execute("CREATE TABLE " + schema + "." + TOKENS + " AS TABLE " + TOKENS);
            s.execute("CREATE TABLE " + current + "." + EVENTS + " (LIKE " + schema + "." + EVENTS + " INCLUDING ALL)");
            s.execute("CREATE SEQUENCE " + current + "." + EVENTS + "_global_index_seq OWNED BY "
                    + current + "." + EVENTS + ".global_index");
            s.execute("ALTER TABLE " + current + "." + EVENTS + " ALTER COLUMN global_index SET DEFAULT nextval('"
                    + current + "." + EVENTS + "_global_index_seq')");
            s.execute("CREATE TABLE " + current + "." + SNAPSHOTS + " (LIKE " + schema + "." + SNAPSHOTS
                    + " INCLUDING ALL)");
        }
    }

    /** A COPY into the event table (with global indexes) or the snapshot table. */
    public RowCopier copyEvents(Connection c) throws SQLException {
        return new RowCopier(c, EVENTS, true);
    }

    public RowCopier copySnapshots(Connection c) throws SQLException {
        return new RowCopier(c, SNAPSHOTS, false);
    }

    /** Removes snapshots of an aggregate state that the loaded events do not reach. */
    public long deleteSnapshotsWithoutEvents(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.executeUpdate("DELETE FROM " + SNAPSHOTS + " s WHERE NOT EXISTS (SELECT 1 FROM " + EVENTS + " e "
                    + "WHERE e.aggregate_identifier = s.aggregate_identifier "
                    + "AND e.sequence_number = s.sequence_number)");
        }
    }

    /** Sets the global index sequence after the highest loaded index, so new events follow the restored ones. */
    public void advanceSequence(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT CASE WHEN max(global_index) IS NULL "
                    + "THEN setval(pg_get_serial_sequence('" + EVENTS + "', 'global_index'), 1, false) "
                    + "ELSE setval(pg_get_serial_sequence('" + EVENTS + "', 'global_index'), max(global_index)) END "
                    + "FROM " + EVENTS);
        }
    }

    /** Forgets the positions of the named processors: they start again from the beginning of the stream. */
    public void deleteTokens(Connection c, List<String> processors) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM " + TOKENS + " WHERE processor_name = ?")) {
            for (String processor : processors) {
                s.setString(1, processor);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static EventRow row(ResultSet rs, Long globalIndex) throws SQLException {
        return new EventRow(globalIndex, rs.getString("aggregate_identifier"), rs.getLong("sequence_number"),
                rs.getString("type"), rs.getString("event_identifier"), rs.getString("payload_type"),
                rs.getString("payload_revision"), rs.getBytes("payload"), rs.getBytes("meta_data"),
                rs.getString("time_stamp"));
    }
}
