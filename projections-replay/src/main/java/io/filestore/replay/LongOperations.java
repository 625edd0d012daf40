package io.filestore.replay;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code long_operation} table: each restore, backup and projection rebuild has a row that is RUNNING from its
 * start until it completes or fails, with its phase and, at each phase change, its status as JSON. At start,
 * {@link OperationRecovery} resumes or rolls back every operation a crash left RUNNING. Calls made inside a Spring
 * transaction on the application's data source take part in it (a restore commits its loaded events and its next
 * phase together).
 */
@Component
public class LongOperations {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** A row of the table. */
    public record Operation(String id, OperationGuard.Kind kind, OperationState state, String phase, String detail,
                            Instant startedAt) {

        public <T> T detail(Class<T> type) {
            return JSON.readValue(detail, type);
        }
    }

    private final JdbcClient jdbc;

    public LongOperations(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void begin(String id, OperationGuard.Kind kind, String phase, Object detail, Instant at) {
        jdbc.sql("INSERT INTO long_operation (id, kind, state, phase, detail, started_at, updated_at) "
                        + "VALUES (?, ?, 'RUNNING', ?, ?, ?, ?)")
                .params(id, kind.name(), phase, json(detail), Timestamp.from(at), Timestamp.from(Instant.now()))
                .update();
    }

    /** Records the phase an operation has reached, with its status then. */
    public void phase(String id, String phase, Object detail) {
        jdbc.sql("UPDATE long_operation SET phase = ?, detail = ?, updated_at = ? WHERE id = ?")
                .params(phase, json(detail), Timestamp.from(Instant.now()), id)
                .update();
    }

    public void finish(String id, OperationState state, String error, Instant at) {
        jdbc.sql("UPDATE long_operation SET state = ?, error = ?, ended_at = ?, updated_at = ? WHERE id = ?")
                .params(state.name(), error, Timestamp.from(at), Timestamp.from(Instant.now()), id)
                .update();
    }

    /** The operations of a kind that are RUNNING (after a crash: those to resume or roll back), oldest first. */
    public List<Operation> unfinished(OperationGuard.Kind kind) {
        return jdbc.sql("SELECT id, kind, state, phase, detail, started_at FROM long_operation "
                        + "WHERE state = 'RUNNING' AND kind = ? ORDER BY started_at, id")
                .param(kind.name())
                .query((rs, n) -> new Operation(rs.getString("id"), OperationGuard.Kind.valueOf(rs.getString("kind")),
                        OperationState.valueOf(rs.getString("state")), rs.getString("phase"), rs.getString("detail"),
                        rs.getTimestamp("started_at").toInstant()))
                .list();
    }

    /**
     * Whether the operation is RUNNING here: after a crash, until the start has resumed or rolled it back. False
     * when it cannot be told (no such row, or the database is unreachable).
     */
    public boolean running(String id) {
        try {
            return jdbc.sql("SELECT count(*) FROM long_operation WHERE id = ? AND state = 'RUNNING'")
                    .param(id).query(Long.class).single() > 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    public Optional<Operation> unfinishedRestore() {
        return unfinished(OperationGuard.Kind.RESTORE).stream().findFirst();
    }

    private static String json(Object detail) {
        return detail == null ? "{}" : JSON.writeValueAsString(detail);
    }
}
