package io.filestore.query.users;

import io.filestore.query.ViewValues;
import io.filestore.command.api.PasswordHash;
import io.filestore.command.api.TokenHash;
import io.filestore.command.api.UserId;
import io.filestore.query.users.api.ApiTokenView;
import io.filestore.query.users.api.UserView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Tables {@code user_view} and {@code api_token_view}; idempotent writes. */
@Repository
public class UsersRepository {

    private final JdbcClient jdbc;

    public UsersRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insertUser(UserId userId, String displayName, PasswordHash hash, boolean admin, Instant at, long seq) {
        jdbc.sql("""
                INSERT INTO user_view (user_id, display_name, password_hash, system_admin, created_at, aggregate_seq)
                VALUES (:id, :name, :hash, :admin, :at, :seq) ON CONFLICT (user_id) DO NOTHING
                """)
                .param("id", userId.value()).param("name", ViewValues.text(displayName)).param("hash", hash.value())
                .param("admin", admin).param("at", Timestamp.from(at)).param("seq", seq)
                .update();
    }

    void setPassword(UserId userId, PasswordHash hash, long seq) {
        jdbc.sql("UPDATE user_view SET password_hash = :hash, aggregate_seq = :seq "
                        + "WHERE user_id = :id AND aggregate_seq < :seq")
                .param("id", userId.value()).param("hash", hash.value()).param("seq", seq).update();
    }

    void setGroups(UserId userId, java.util.Set<String> groups, long seq) {
        jdbc.sql("UPDATE user_view SET groups = :groups, aggregate_seq = :seq WHERE user_id = :id AND aggregate_seq < :seq")
                .param("id", userId.value()).param("groups", String.join(",", new java.util.TreeSet<>(groups)))
                .param("seq", seq).update();
    }

    void setDisabled(UserId userId, boolean disabled, long seq) {
        jdbc.sql("UPDATE user_view SET disabled = :disabled, aggregate_seq = :seq "
                        + "WHERE user_id = :id AND aggregate_seq < :seq")
                .param("id", userId.value()).param("disabled", disabled).param("seq", seq).update();
    }

    void insertToken(String tokenId, UserId userId, String name, TokenHash hash, Instant expiresAt, Instant at,
                     long seq) {
        jdbc.sql("""
                INSERT INTO api_token_view (token_id, user_id, name, token_hash, expires_at, created_at)
                VALUES (:id, :user, :name, :hash, :expires, :at) ON CONFLICT (token_id) DO NOTHING
                """)
                .param("id", tokenId).param("user", userId.value()).param("name", ViewValues.text(name))
                .param("hash", hash.sha256()).param("expires", ViewValues.timestamp(expiresAt))
                .param("at", Timestamp.from(at)).update();
        touch(userId, seq);
    }

    void revokeToken(String tokenId, UserId userId, Instant at, long seq) {
        jdbc.sql("UPDATE api_token_view SET revoked_at = :at WHERE token_id = :id AND revoked_at IS NULL")
                .param("id", tokenId).param("at", Timestamp.from(at)).update();
        touch(userId, seq);
    }

    private void touch(UserId userId, long seq) {
        jdbc.sql("UPDATE user_view SET aggregate_seq = :seq WHERE user_id = :id AND aggregate_seq < :seq")
                .param("id", userId.value()).param("seq", seq).update();
    }

    void deleteAll() {
        jdbc.sql("TRUNCATE api_token_view, user_view").update();
    }

    Optional<UserView> findUser(UserId userId) {
        return jdbc.sql("SELECT * FROM user_view WHERE user_id = :id").param("id", userId.value())
                .query(this::mapUser).optional();
    }

    List<UserView> listUsers(int offset, int limit) {
        return jdbc.sql("SELECT * FROM user_view ORDER BY user_id OFFSET :offset LIMIT :limit")
                .param("offset", offset).param("limit", limit).query(this::mapUser).list();
    }

    long countUsers() {
        return jdbc.sql("SELECT count(*) FROM user_view").query(Long.class).single();
    }

    Optional<ApiTokenView> findToken(TokenHash hash) {
        return jdbc.sql("SELECT * FROM api_token_view WHERE token_hash = :hash").param("hash", hash.sha256())
                .query(this::mapToken).optional();
    }

    List<ApiTokenView> listTokens(UserId userId) {
        return jdbc.sql("SELECT * FROM api_token_view WHERE user_id = :id ORDER BY created_at DESC")
                .param("id", userId.value()).query(this::mapToken).list();
    }

    private UserView mapUser(ResultSet rs, int row) throws SQLException {
        return new UserView(new UserId(rs.getString("user_id")), rs.getString("display_name"),
                new PasswordHash(rs.getString("password_hash")), rs.getBoolean("system_admin"),
                rs.getBoolean("disabled"), rs.getTimestamp("created_at").toInstant(), rs.getLong("aggregate_seq"),
                rs.getString("groups").isEmpty() ? java.util.Set.of()
                        : java.util.Set.of(rs.getString("groups").split(",")));
    }

    private ApiTokenView mapToken(ResultSet rs, int row) throws SQLException {
        Timestamp expires = rs.getTimestamp("expires_at");
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new ApiTokenView(rs.getString("token_id"), new UserId(rs.getString("user_id")), rs.getString("name"),
                expires == null ? null : expires.toInstant(), rs.getTimestamp("created_at").toInstant(),
                revoked == null ? null : revoked.toInstant());
    }
}
