package io.filestore.query.metadata;

import io.filestore.command.api.BlobId;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileName;
import io.filestore.command.api.FilePermissions;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.UserId;
import io.filestore.query.metadata.api.FileView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A file row as the views store it ({@code file_view}, and each state of {@code history_file_state}: the same
 * columns) read into a {@link FileView} without its shares, which each caller adds from its own table.
 */
public final class FileRows {

    private static final TypeReference<List<String>> TAGS = new TypeReference<>() { };
    private static final TypeReference<Map<String, String>> ATTRIBUTES = new TypeReference<>() { };
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private FileRows() {
    }

    public static FileView file(ResultSet rs) throws SQLException {
        UserId owner = new UserId(rs.getString("owner_id"));
        return new FileView(
                new FileId(rs.getString("file_id")),
                owner,
                new FileName(rs.getString("name")),
                new MediaType(rs.getString("media_type")),
                rs.getLong("size"),
                new BlobId(rs.getString("blob_sha256")),
                rs.getInt("version"),
                new FileMetadata(rs.getString("description"), JSON.readValue(rs.getString("tags"), TAGS),
                        rs.getString("folder"), JSON.readValue(rs.getString("attributes"), ATTRIBUTES)),
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                instant(rs, "content_updated_at"),
                instant(rs, "deleted_at"),
                rs.getLong("aggregate_seq"),
                new FilePermissions(owner, List.of()));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
