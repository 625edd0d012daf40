package io.filestore.query.audit;

import io.filestore.query.ViewValues;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileName;
import io.filestore.command.api.UserId;
import io.filestore.query.audit.api.AuditAction;
import io.filestore.query.audit.api.AuditEntryView;
import io.filestore.query.audit.api.AuditPage;
import io.filestore.query.audit.api.AuditQuery;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tables {@code audit_entry} (the trail) and {@code audit_file} (what the projection knows of each file).
 * Entries are inserted once per event identifier; file state moves forward only, by aggregate sequence.
 */
@Repository
public class AuditRepository {

    private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() { };
    private static final String ENTRY_COLUMNS =
            "event_id, file_id, target, action, actor, occurred_at, client_address, details";
    private static final String NEWEST_FIRST = " ORDER BY occurred_at DESC, global_index DESC";

    private final JdbcClient jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public AuditRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A file as the audit projection last saw it. */
    record FileState(UserId owner, FileName name, FileMetadata metadata, long sequence) {
    }

    /**
     * Records an entry at the event's own global index, read from the event store: a live processor's tracking token
     * is the furthest position it has seen (an event that fills a gap carries a higher one), so it would differ from
     * a replay's. {@code fallbackIndex} is used only for an event that is not in the event store.
     */
    void insertEntry(String eventId, long fallbackIndex, FileId fileId, String target, AuditAction action,
                     UserId actor, Instant at, String clientAddress, Map<String, Object> details) {
        jdbc.sql("""
                INSERT INTO audit_entry (event_id, global_index, file_id, target, action, actor, occurred_at,
                                         client_address, details)
                VALUES (:event,
                        coalesce((SELECT e.global_index FROM domain_event_entry e WHERE e.event_identifier = :event),
                                 :index),
                        :file, :target, :action, :actor, :at, :address, CAST(:details AS jsonb))
                ON CONFLICT (event_id) DO NOTHING
                """)
                .param("event", eventId)
                .param("index", fallbackIndex)
                .param("file", fileId == null ? null : uuid(fileId))
                .param("target", ViewValues.text(target))
                .param("address", clientAddress)
                .param("action", action.wireName())
                .param("actor", actor == null ? null : actor.value())
                .param("at", Timestamp.from(at))
                .param("details", ViewValues.json(json.writeValueAsString(details)))
                .update();
    }

    void insertFile(FileId fileId, UserId owner, FileName name, FileMetadata metadata, long seq) {
        jdbc.sql("""
                INSERT INTO audit_file (file_id, owner_id, name, metadata, aggregate_seq)
                VALUES (:file, :owner, :name, CAST(:metadata AS jsonb), :seq)
                ON CONFLICT (file_id) DO NOTHING
                """)
                .param("file", uuid(fileId)).param("owner", owner.value()).param("name", ViewValues.text(name.value()))
                .param("metadata", ViewValues.json(json.writeValueAsString(metadata))).param("seq", seq)
                .update();
    }

    void updateFile(FileId fileId, long seq, FileName name, FileMetadata metadata) {
        jdbc.sql("""
                UPDATE audit_file SET name = :name, metadata = CAST(:metadata AS jsonb), aggregate_seq = :seq
                WHERE file_id = :file AND aggregate_seq < :seq
                """)
                .param("file", uuid(fileId)).param("seq", seq).param("name", ViewValues.text(name.value()))
                .param("metadata", ViewValues.json(json.writeValueAsString(metadata)))
                .update();
    }

    Optional<FileState> file(FileId fileId) {
        return jdbc.sql("SELECT owner_id, name, metadata, aggregate_seq FROM audit_file WHERE file_id = :file")
                .param("file", uuid(fileId))
                .query((rs, n) -> new FileState(new UserId(rs.getString(1)), new FileName(rs.getString(2)),
                        json.readValue(rs.getString(3), FileMetadata.class), rs.getLong(4)))
                .optional();
    }

    void deleteAll() {
        jdbc.sql("TRUNCATE audit_entry, audit_file").update();
    }

    AuditPage history(FileId fileId, int offset, int limit) {
        List<AuditEntryView> entries = jdbc.sql("SELECT " + ENTRY_COLUMNS + " FROM audit_entry WHERE file_id = :file"
                        + NEWEST_FIRST + " OFFSET :offset LIMIT :limit")
                .param("file", uuid(fileId)).param("offset", offset).param("limit", limit + 1)
                .query(this::mapEntry).list();
        return page(entries, limit);
    }

    AuditPage search(AuditQuery query) {
        StringBuilder sql = new StringBuilder("SELECT " + ENTRY_COLUMNS + " FROM audit_entry WHERE true");
        List<Object[]> params = new ArrayList<>();
        if (query.actor() != null) {
            sql.append(" AND actor = :actor");
            params.add(new Object[]{"actor", query.actor().value()});
        }
        if (query.fileId() != null) {
            sql.append(" AND file_id = :file");
            params.add(new Object[]{"file", uuid(query.fileId())});
        }
        if (query.target() != null) {
            sql.append(" AND target = :target");
            params.add(new Object[]{"target", query.target()});
        }
        if (query.action() != null) {
            sql.append(" AND action = :action");
            params.add(new Object[]{"action", query.action().wireName()});
        }
        if (query.from() != null) {
            sql.append(" AND occurred_at >= :from");
            params.add(new Object[]{"from", Timestamp.from(query.from())});
        }
        if (query.to() != null) {
            sql.append(" AND occurred_at < :to");
            params.add(new Object[]{"to", Timestamp.from(query.to())});
        }
        sql.append(NEWEST_FIRST).append(" OFFSET :offset LIMIT :limit");
        JdbcClient.StatementSpec statement = jdbc.sql(sql.toString())
                .param("offset", query.offset()).param("limit", query.limit() + 1);
        for (Object[] param : params) {
            statement = statement.param((String) param[0], param[1]);
        }
        return page(statement.query(this::mapEntry).list(), query.limit());
    }

    private static AuditPage page(List<AuditEntryView> fetched, int limit) {
        boolean more = fetched.size() > limit;
        return new AuditPage(more ? List.copyOf(fetched.subList(0, limit)) : fetched, more);
    }

    private AuditEntryView mapEntry(ResultSet rs, int row) throws SQLException {
        String actor = rs.getString("actor");
        String name = rs.getString("action");
        AuditAction action = AuditAction.fromWireName(name)
                .orElseThrow(() -> new IllegalStateException("unknown audit action " + name));
        String file = rs.getString("file_id");
        return new AuditEntryView(rs.getString("event_id"), file == null ? null : new FileId(file),
                rs.getString("target"), action, actor == null ? null : new UserId(actor),
                rs.getTimestamp("occurred_at").toInstant(), rs.getString("client_address"),
                json.readValue(rs.getString("details"), DETAILS));
    }

    private static UUID uuid(FileId fileId) {
        return UUID.fromString(fileId.value());
    }
}
