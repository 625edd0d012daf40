package io.filestore.query.metadata;

import io.filestore.query.TableDigest;
import io.filestore.query.ViewDigest;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/** The digest of the file and version views. */
@Component
public class MetadataViewDigest implements ViewDigest {

    private final TableDigest tables;

    public MetadataViewDigest(DataSource dataSource) {
        this.tables = new TableDigest(dataSource);
    }

    @Override
    public String processingGroup() {
        return FileMetadataProjection.PROCESSING_GROUP;
    }

    @Override
    public String digest() {
        return tables.digest(List.of(
                "SELECT t::text FROM file_view t ORDER BY file_id",
                "SELECT t::text FROM file_version_view t ORDER BY file_id, version"));
    }
}
