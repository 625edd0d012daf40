package io.filestore.query.shares;

import io.filestore.query.ViewValues;
import io.filestore.command.api.FileId;
import io.filestore.command.api.Grantee;
import io.filestore.command.api.PasswordHash;
import io.filestore.command.api.Role;
import io.filestore.command.api.TokenHash;
import io.filestore.command.api.UserId;
import io.filestore.query.shares.api.ShareView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Table {@code share_view}; idempotent writes. */
@Repository
public class SharesRepository {

    private final JdbcClient jdbc;

    public SharesRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(String shareId, FileId fileId, boolean link, Grantee grantee, Role role, TokenHash tokenHash,
                PasswordHash passwordHash, Instant expiresAt, Integer maxDownloads, Instant at, UserId by) {
        jdbc.sql("""
                INSERT INTO share_view (share_id, file_id, kind, grantee, role, token_hash, password_hash, expires_at,
                                        max_downloads, created_at, created_by)
                VALUES (:id, :file, :kind, :grantee, :role, :token, :password, :expires, :max, :at, :by)
                ON CONFLICT (share_id) DO NOTHING
                """)
                .param("id", shareId).param("file", UUID.fromString(fileId.value()))
                .param("kind", link ? "link" : "grant")
                .param("grantee", grantee == null ? null : grantee.value())
                .param("role", role == null ? null : role.name())
                .param("token", tokenHash == null ? null : tokenHash.sha256())
                .param("password", passwordHash == null ? null : passwordHash.value())
                .param("expires", ViewValues.timestamp(expiresAt))
                .param("max", maxDownloads).param("at", Timestamp.from(at)).param("by", by.value())
                .update();
    }

    /** The link's count after a counted download (never lowered, so a replayed event changes nothing). */
    void countDownload(String shareId, int count) {
        jdbc.sql("UPDATE share_view SET download_count = greatest(download_count, :count) WHERE share_id = :id")
                .param("id", shareId).param("count", count).update();
    }

    void delete(String shareId) {
        jdbc.sql("DELETE FROM share_view WHERE share_id = :id").param("id", shareId).update();
    }

    void deleteFile(FileId fileId) {
        jdbc.sql("DELETE FROM share_view WHERE file_id = :file").param("file", UUID.fromString(fileId.value())).update();
    }

    void deleteAll() {
        jdbc.sql("TRUNCATE share_view").update();
    }

    Optional<ShareView> findLink(TokenHash tokenHash) {
        return jdbc.sql("SELECT * FROM share_view WHERE kind = 'link' AND token_hash = :token")
                .param("token", tokenHash.sha256()).query(this::map).optional();
    }

    List<ShareView> forFile(FileId fileId) {
        return jdbc.sql("SELECT * FROM share_view WHERE file_id = :file ORDER BY created_at DESC, share_id")
                .param("file", UUID.fromString(fileId.value())).query(this::map).list();
    }

    List<ShareView> createdBy(UserId creator, int offset, int limit) {
        return jdbc.sql("SELECT * FROM share_view WHERE created_by = :by ORDER BY created_at DESC, share_id "
                        + "OFFSET :offset LIMIT :limit")
                .param("by", creator.value()).param("offset", offset).param("limit", limit).query(this::map).list();
    }

    private ShareView map(ResultSet rs, int row) throws SQLException {
        boolean link = "link".equals(rs.getString("kind"));
        String grantee = rs.getString("grantee");
        String role = rs.getString("role");
        String password = rs.getString("password_hash");
        Timestamp expires = rs.getTimestamp("expires_at");
        int max = rs.getInt("max_downloads");
        Integer maxDownloads = rs.wasNull() ? null : max;
        return new ShareView(rs.getString("share_id"), new FileId(rs.getString("file_id")), link,
                grantee == null ? null : new Grantee(grantee), role == null ? null : Role.valueOf(role),
                password == null ? null : new PasswordHash(password), expires == null ? null : expires.toInstant(),
                maxDownloads, rs.getTimestamp("created_at").toInstant(), new UserId(rs.getString("created_by")),
                rs.getInt("download_count"));
    }
}
