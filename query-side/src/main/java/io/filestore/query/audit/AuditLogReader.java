package io.filestore.query.audit;

import io.filestore.query.audit.api.AuditLog;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** Streams {@code audit_entry} through a PostgreSQL cursor (1,000 rows at a time) in a read-only transaction. */
@Component
public class AuditLogReader implements AuditLog {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    public AuditLogReader(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.jdbc.setFetchSize(1000);
        this.transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.transaction.setReadOnly(true);
    }

    @Override
    public void forEach(Instant from, Instant to, Consumer<Entry> consumer) {
        transaction.executeWithoutResult(status -> jdbc.query(
                "SELECT event_id, global_index, occurred_at, action, actor, file_id::text AS file_id, target, "
                        + "client_address, details::text AS details FROM audit_entry WHERE occurred_at >= ? AND occurred_at < ? "
                        + "ORDER BY occurred_at, global_index, event_id",
                rs -> {
                    consumer.accept(new Entry(rs.getString("event_id"), rs.getLong("global_index"),
                            rs.getTimestamp("occurred_at").toInstant(), rs.getString("action"),
                            rs.getString("actor"), rs.getString("file_id"), rs.getString("target"),
                            rs.getString("client_address"), rs.getString("details")));
                },
                Timestamp.from(from), Timestamp.from(to)));
    }
}
