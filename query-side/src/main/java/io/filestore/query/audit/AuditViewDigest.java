package io.filestore.query.audit;

import io.filestore.query.TableDigest;
import io.filestore.query.ViewDigest;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/** The digest of the audit trail and the audit projection's file state. */
@Component
public class AuditViewDigest implements ViewDigest {

    private final TableDigest tables;

    public AuditViewDigest(DataSource dataSource) {
        this.tables = new TableDigest(dataSource);
    }

    @Override
    public String processingGroup() {
        return AuditProjection.PROCESSING_GROUP;
    }

    @Override
    public String digest() {
        return tables.digest(List.of(
                "SELECT t::text FROM audit_entry t ORDER BY event_id",
                "SELECT t::text FROM audit_file t ORDER BY file_id"));
    }
}
