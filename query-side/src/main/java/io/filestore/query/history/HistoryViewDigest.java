package io.filestore.query.history;

import io.filestore.query.TableDigest;
import io.filestore.query.ViewDigest;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/** The digest of the time-travel views, so that a restore or rebuild can show it built the same history. */
@Component
public class HistoryViewDigest implements ViewDigest {

    private final TableDigest tables;

    public HistoryViewDigest(DataSource dataSource) {
        this.tables = new TableDigest(dataSource);
    }

    @Override
    public String processingGroup() {
        return HistoryProjection.PROCESSING_GROUP;
    }

    @Override
    public String digest() {
        return tables.digest(List.of(
                "SELECT t::text FROM history_file_state t ORDER BY file_id, aggregate_seq",
                "SELECT t::text FROM history_version t ORDER BY file_id, version",
                "SELECT t::text FROM history_grant t ORDER BY file_id, share_id",
                "SELECT t::text FROM history_membership t ORDER BY user_id, group_name, valid_from",
                "SELECT t::text FROM history_user t ORDER BY user_id",
                "SELECT t::text FROM history_change t ORDER BY file_id, aggregate_seq, kind"));
    }
}
