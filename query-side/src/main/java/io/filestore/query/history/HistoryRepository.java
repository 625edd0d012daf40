package io.filestore.query.history;

import io.filestore.command.api.BlobId;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FilePermissions;
import io.filestore.command.api.Grant;
import io.filestore.command.api.Grantee;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.Role;
import io.filestore.command.api.UserId;
import io.filestore.query.history.api.ChangeView;
import io.filestore.query.history.api.HistoricShareView;
import io.filestore.query.metadata.api.FilePage;
import io.filestore.query.metadata.api.FileVersionView;
import io.filestore.query.metadata.api.FileView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import io.filestore.query.search.api.SearchFilters;
import io.filestore.query.search.api.SortDirection;
import io.filestore.query.search.api.SortField;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The history tables (migration V110). A row holds over {@code [valid_from, valid_to)}; "at t" is
 * {@code valid_from <= t AND (valid_to IS NULL OR valid_to > t)}. Writes are idempotent (inserts skip existing
 * keys; closing a row only touches open rows), so retries and replays converge.
 */
@Repository
public class HistoryRepository {

    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() { };
    private static final String AT = "valid_from <= :at AND (valid_to IS NULL OR valid_to > :at)";
    private static final String STATE_COLUMNS = "file_id, aggregate_seq, owner_id, name, media_type, size, "
            + "blob_sha256, version, description, tags, folder, attributes, created_at, updated_at, "
            + "content_updated_at, deleted_at";

    private final JdbcClient jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public HistoryRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    // ---- writes (the projection) ----

    /** The file's latest state before aggregate sequence {@code seq}. */
    Optional<FileView> latestBefore(FileId fileId, long seq) {
        return jdbc.sql("SELECT " + STATE_COLUMNS + " FROM history_file_state WHERE file_id = :id "
                        + "AND aggregate_seq < :seq ORDER BY aggregate_seq DESC LIMIT 1")
                .param("id", uuid(fileId)).param("seq", seq)
                .query(this::mapState).optional();
    }

    /** Ends the open state(s) before {@code state} at {@code at} and records {@code state} from {@code at} on. */
    void newState(FileView state, Instant at) {
        jdbc.sql("UPDATE history_file_state SET valid_to = :at WHERE file_id = :id AND aggregate_seq < :seq "
                        + "AND valid_to IS NULL")
                .param("id", uuid(state.fileId())).param("seq", state.sequence()).param("at", ts(at)).update();
        jdbc.sql("""
                INSERT INTO history_file_state (file_id, aggregate_seq, valid_from, owner_id, name, media_type, size,
                       blob_sha256, version, description, tags, folder, attributes, created_at, updated_at,
                       content_updated_at, deleted_at)
                VALUES (:id, :seq, :at, :owner, :name, :type, :size, :blob, :version, :description,
                        CAST(:tags AS jsonb), :folder, CAST(:attributes AS jsonb), :created, :updated, :content,
                        :deleted)
                ON CONFLICT (file_id, aggregate_seq) DO NOTHING
                """)
                .param("id", uuid(state.fileId()))
                .param("seq", state.sequence())
                .param("at", ts(at))
                .param("owner", state.owner().value())
                .param("name", state.name().value())
                .param("type", state.mediaType().value())
                .param("size", state.size())
                .param("blob", state.blobId().sha256())
                .param("version", state.version())
                .param("description", state.metadata().description())
                .param("tags", json.writeValueAsString(state.metadata().tags()))
                .param("folder", state.metadata().folder())
                .param("attributes", json.writeValueAsString(state.metadata().attributes()))
                .param("created", ts(state.createdAt()))
                .param("updated", ts(state.updatedAt()))
                .param("content", ts(state.contentUpdatedAt()))
                .param("deleted", ts(state.deletedAt()))
                .update();
    }

    void insertVersion(FileVersionView version) {
        jdbc.sql("""
                INSERT INTO history_version (file_id, version, blob_sha256, size, media_type, valid_from,
                       uploaded_by, change_log, restored_from)
                VALUES (:id, :version, :blob, :size, :type, :at, :by, :log, :restored)
                ON CONFLICT (file_id, version) DO NOTHING
                """)
                .param("id", uuid(version.fileId()))
                .param("version", version.version())
                .param("blob", version.blobId().sha256())
                .param("size", version.size())
                .param("type", version.mediaType().value())
                .param("at", ts(version.uploadedAt()))
                .param("by", version.uploadedBy().value())
                .param("log", version.changeLog())
                .param("restored", version.restoredFrom())
                .update();
    }

    void insertGrant(FileId fileId, String shareId, boolean link, Grantee grantee, Role role, Instant expiresAt,
                     boolean password, Integer maxDownloads, Instant at, UserId by) {
        jdbc.sql("""
                INSERT INTO history_grant (file_id, share_id, kind, grantee, role, expires_at, password,
                       max_downloads, valid_from, created_by)
                VALUES (:id, :share, :kind, :grantee, :role, :expires, :password, :max, :at, :by)
                ON CONFLICT (file_id, share_id) DO NOTHING
                """)
                .param("id", uuid(fileId))
                .param("share", shareId)
                .param("kind", link ? "link" : "share")
                .param("grantee", grantee == null ? null : grantee.value())
                .param("role", role == null ? null : role.name())
                .param("expires", ts(expiresAt))
                .param("password", password)
                .param("max", maxDownloads)
                .param("at", ts(at))
                .param("by", by == null ? "system" : by.value())
                .update();
    }

    /** Ends a share at {@code at}; answers the grantee it was for (empty for a link or an unknown share). */
    Optional<String> endGrant(FileId fileId, String shareId, Instant at) {
        jdbc.sql("UPDATE history_grant SET valid_to = :at WHERE file_id = :id AND share_id = :share "
                        + "AND valid_to IS NULL")
                .param("id", uuid(fileId)).param("share", shareId).param("at", ts(at)).update();
        return jdbc.sql("SELECT coalesce(grantee, 'link') FROM history_grant WHERE file_id = :id AND share_id = :share")
                .param("id", uuid(fileId)).param("share", shareId).query(String.class).optional();
    }

    void insertChange(FileId fileId, long seq, String kind, Instant at, UserId owner, UserId actor, String folder,
                      Map<String, String> details) {
        jdbc.sql("""
                INSERT INTO history_change (file_id, aggregate_seq, kind, occurred_at, owner_id, actor, folder, details)
                VALUES (:id, :seq, :kind, :at, :owner, :actor, :folder, CAST(:details AS jsonb))
                ON CONFLICT (file_id, aggregate_seq, kind) DO NOTHING
                """)
                .param("id", uuid(fileId))
                .param("seq", seq)
                .param("kind", kind)
                .param("at", ts(at))
                .param("owner", owner.value())
                .param("actor", actor == null ? null : actor.value())
                .param("folder", folder)
                .param("details", json.writeValueAsString(details))
                .update();
    }

    /** A purge removes the file from every view of its states, versions and shares; its changes stay. */
    void purge(FileId fileId) {
        for (String table : List.of("history_file_state", "history_version", "history_grant")) {
            jdbc.sql("DELETE FROM " + table + " WHERE file_id = :id").param("id", uuid(fileId)).update();
        }
    }

    /** Replaces the user's open memberships by {@code groups} from {@code at} on. */
    void setGroups(UserId user, Set<String> groups, Instant at) {
        List<String> open = jdbc.sql("SELECT group_name FROM history_membership WHERE user_id = :user "
                        + "AND valid_to IS NULL").param("user", user.value()).query(String.class).list();
        for (String group : open) {
            if (!groups.contains(group)) {
                jdbc.sql("UPDATE history_membership SET valid_to = :at WHERE user_id = :user AND group_name = :group "
                                + "AND valid_to IS NULL")
                        .param("at", ts(at)).param("user", user.value()).param("group", group).update();
            }
        }
        for (String group : groups) {
            if (!open.contains(group)) {
                jdbc.sql("INSERT INTO history_membership (user_id, group_name, valid_from) VALUES (:user, :group, :at) "
                                + "ON CONFLICT DO NOTHING")
                        .param("user", user.value()).param("group", group).param("at", ts(at)).update();
            }
        }
    }

    void insertUser(UserId user, boolean systemAdmin, Instant at) {
        jdbc.sql("INSERT INTO history_user (user_id, system_admin, created_at) VALUES (:user, :admin, :at) "
                        + "ON CONFLICT (user_id) DO NOTHING")
                .param("user", user.value()).param("admin", systemAdmin).param("at", ts(at)).update();
    }

    void deleteAll() {
        for (String table : List.of("history_file_state", "history_version", "history_grant", "history_membership",
                "history_user", "history_change")) {
            jdbc.sql("DELETE FROM " + table).update();
        }
    }

    // ---- reads (the query handler) ----

    /** The file's state at {@code at} (trashed or not); the file's permissions hold the user and group shares then. */
    Optional<FileView> stateAt(FileId fileId, Instant at) {
        return jdbc.sql("SELECT " + STATE_COLUMNS + " FROM history_file_state WHERE file_id = :id AND " + AT)
                .param("id", uuid(fileId)).param("at", ts(at))
                .query(this::mapState).optional()
                .map(state -> withGrants(state, grantsAt(List.of(fileId), at)));
    }

    /** The current state with the current shares (empty once purged). */
    Optional<FileView> current(FileId fileId) {
        return jdbc.sql("SELECT " + STATE_COLUMNS + " FROM history_file_state WHERE file_id = :id AND valid_to IS NULL")
                .param("id", uuid(fileId))
                .query(this::mapState).optional()
                .map(state -> withGrants(state, openGrants(fileId)));
    }

    /**
     * The owner's files at {@code at} that matched {@code filters} then, one page in the given order (ties broken by
     * file id), with the total. Uses the state row valid at {@code at}: its tags, folder, media type, size and dates.
     */
    FilePage ownedAt(UserId owner, Instant at, SearchFilters filters, SortField sort, SortDirection direction,
                     int offset, int limit) {
        StringBuilder where = new StringBuilder("FROM history_file_state WHERE owner_id = :owner AND " + AT
                + " AND deleted_at IS NULL");
        Map<String, Object> params = new java.util.HashMap<>();
        params.put("owner", owner.value());
        params.put("at", ts(at));
        String folder = filters.folder();
        if (folder != null && !(folder.equals("/") && filters.recursive())) {
            where.append(filters.recursive() ? " AND (folder = :folder OR folder LIKE :prefix ESCAPE '\\')"
                    : " AND folder = :folder");
            params.put("folder", folder);
            params.put("prefix", (folder.equals("/") ? "" : likeEscape(folder)) + "/%");
        }
        if (!filters.tags().isEmpty()) {
            List<String> tags = filters.tags().stream().map(t -> t.toLowerCase(java.util.Locale.ROOT)).distinct()
                    .toList();
            where.append(" AND (SELECT count(DISTINCT lower(t)) FROM jsonb_array_elements_text(tags) t"
                    + " WHERE lower(t) IN (:tags)) = :tagCount");
            params.put("tags", tags);
            params.put("tagCount", tags.size());
        }
        if (filters.mimeType() != null) {
            String prefix = filters.mimeTypePrefix();
            if (prefix != null) {
                where.append(" AND lower(media_type) LIKE :mimePrefix ESCAPE '\\'");
                params.put("mimePrefix", likeEscape(prefix) + "%");
            } else {
                where.append(" AND lower(trim(split_part(media_type, ';', 1))) = :mime");
                params.put("mime", filters.mimeType());
            }
        }
        range(where, params, "size", ">=", "minSize", filters.minSize());
        range(where, params, "size", "<=", "maxSize", filters.maxSize());
        range(where, params, "created_at", ">=", "createdAfter", filters.createdAfter());
        range(where, params, "created_at", "<", "createdBefore", filters.createdBefore());
        range(where, params, "updated_at", ">=", "updatedAfter", filters.updatedAfter());
        range(where, params, "updated_at", "<", "updatedBefore", filters.updatedBefore());
        SortField field = sort == null || sort == SortField.RELEVANCE ? SortField.CREATED_AT : sort;
        String order = (direction == null ? field.defaultDirection() : direction) == SortDirection.ASC
                ? "ASC" : "DESC";
        String column = switch (field) {
            case NAME -> "lower(name) " + order + ", name";
            case SIZE -> "size";
            case UPDATED_AT -> "updated_at";
            default -> "created_at";
        };
        JdbcClient.StatementSpec page = jdbc.sql("SELECT " + STATE_COLUMNS + " " + where + " ORDER BY " + column
                        + " " + order + ", file_id " + order + " OFFSET :offset LIMIT :limit")
                .params(params).param("offset", offset).param("limit", limit);
        JdbcClient.StatementSpec count = jdbc.sql("SELECT count(*) " + where).params(params);
        List<FileView> states = page.query(this::mapState).list();
        Map<FileId, List<Grant>> grants = grantsAt(states.stream().map(FileView::fileId).toList(), at);
        return new FilePage(states.stream().map(s -> withGrants(s, grants)).toList(),
                count.query(Long.class).single());
    }

    private static void range(StringBuilder where, Map<String, Object> params, String column, String operator,
                              String name, Object value) {
        if (value != null) {
            where.append(" AND ").append(column).append(' ').append(operator).append(" :").append(name);
            params.put(name, value instanceof Instant instant ? ts(instant) : value);
        }
    }

    List<FileVersionView> versionsAt(FileId fileId, Instant at) {
        return jdbc.sql("SELECT file_id, version, blob_sha256, size, media_type, valid_from, uploaded_by, change_log, "
                        + "restored_from FROM history_version WHERE file_id = :id AND valid_from <= :at "
                        + "ORDER BY version DESC")
                .param("id", uuid(fileId)).param("at", ts(at))
                .query((rs, row) -> {
                    int restoredFrom = rs.getInt("restored_from");
                    Integer restored = rs.wasNull() ? null : restoredFrom;
                    return new FileVersionView(new FileId(rs.getString("file_id")), rs.getInt("version"),
                            new BlobId(rs.getString("blob_sha256")), rs.getLong("size"),
                            new MediaType(rs.getString("media_type")), instant(rs, "valid_from"),
                            new UserId(rs.getString("uploaded_by")), rs.getString("change_log"), restored);
                }).list();
    }

    /** Shares and links created by {@code at} and not revoked by then (expired ones included). */
    List<HistoricShareView> sharesAt(FileId fileId, Instant at) {
        return jdbc.sql("SELECT * FROM history_grant WHERE file_id = :id AND " + AT + " ORDER BY valid_from, share_id")
                .param("id", uuid(fileId)).param("at", ts(at))
                .query((rs, row) -> new HistoricShareView(rs.getString("share_id"),
                        new FileId(rs.getString("file_id")), rs.getString("kind").equals("link"),
                        rs.getString("grantee") == null ? null : new Grantee(rs.getString("grantee")),
                        rs.getString("role") == null ? null : Role.valueOf(rs.getString("role")),
                        instant(rs, "expires_at"), rs.getBoolean("password"),
                        (Integer) rs.getObject("max_downloads"), instant(rs, "valid_from"),
                        rs.getString("created_by"), instant(rs, "valid_to")))
                .list();
    }

    /** The user's groups at {@code at}, or empty when no membership of theirs was ever recorded. */
    Optional<Set<String>> groupsAt(UserId user, Instant at) {
        List<String> rows = jdbc.sql("SELECT group_name, (" + AT + ") AS held FROM history_membership "
                        + "WHERE user_id = :user")
                .param("user", user.value()).param("at", ts(at))
                .query((rs, row) -> rs.getBoolean("held") ? rs.getString("group_name") : "")
                .list();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Set<String> groups = new TreeSet<>(rows);
        groups.remove("");
        return Optional.of(groups);
    }

    /** The members of {@code group} at {@code at}. */
    List<String> membersAt(String group, Instant at) {
        return jdbc.sql("SELECT user_id FROM history_membership WHERE group_name = :group AND " + AT
                        + " ORDER BY user_id")
                .param("group", group).param("at", ts(at)).query(String.class).list();
    }

    /** The accounts that existed at {@code at}, mapped to whether they were system administrators. */
    Optional<Boolean> systemAdminAt(UserId user, Instant at) {
        return jdbc.sql("SELECT system_admin FROM history_user WHERE user_id = :user AND created_at <= :at")
                .param("user", user.value()).param("at", ts(at)).query(Boolean.class).optional();
    }

    List<String> systemAdminsAt(Instant at) {
        return jdbc.sql("SELECT user_id FROM history_user WHERE system_admin AND created_at <= :at ORDER BY user_id")
                .param("at", ts(at)).query(String.class).list();
    }

    /** Whether the user has an account, owns a file, was ever shared a file or belonged to a group. */
    boolean userKnown(UserId user) {
        return jdbc.sql("""
                SELECT EXISTS (SELECT 1 FROM history_user WHERE user_id = :user)
                    OR EXISTS (SELECT 1 FROM history_file_state WHERE owner_id = :user)
                    OR EXISTS (SELECT 1 FROM history_grant WHERE grantee = :grantee)
                    OR EXISTS (SELECT 1 FROM history_membership WHERE user_id = :user)
                """)
                .param("user", user.value()).param("grantee", "user:" + user.value())
                .query(Boolean.class).single();
    }

    /**
     * Files outside the trash at {@code at} that the grantees could read then (owned by {@code user}, or shared
     * with one of {@code grantees} by a share in force and not expired then), newest created first.
     */
    List<Map<String, Object>> readableAt(UserId user, Collection<String> grantees, Instant at, int offset, int limit) {
        return jdbc.sql(readableSql("s.file_id, s.name, s.folder, s.owner_id, s.created_at")
                        + " ORDER BY s.created_at DESC, s.file_id DESC OFFSET :offset LIMIT :limit")
                .param("user", user.value()).param("grantees", List.copyOf(grantees)).param("at", ts(at))
                .param("offset", offset).param("limit", limit)
                .query((rs, row) -> {
                    Map<String, Object> map = new HashMap<>();
                    map.put("fileId", rs.getString("file_id"));
                    map.put("name", rs.getString("name"));
                    map.put("folder", rs.getString("folder"));
                    map.put("owner", rs.getString("owner_id"));
                    return map;
                }).list();
    }

    long countReadableAt(UserId user, Collection<String> grantees, Instant at) {
        return jdbc.sql(readableSql("count(*)"))
                .param("user", user.value()).param("grantees", List.copyOf(grantees)).param("at", ts(at))
                .query(Long.class).single();
    }

    /** Owned files and files shared with the grantees then (two indexed lookups), as they were then. */
    private static String readableSql(String columns) {
        return "SELECT " + columns + " FROM history_file_state s WHERE s.file_id IN ("
                + "SELECT o.file_id FROM history_file_state o WHERE o.owner_id = :user AND o.valid_from <= :at "
                + "AND (o.valid_to IS NULL OR o.valid_to > :at) "
                + "UNION SELECT g.file_id FROM history_grant g WHERE g.grantee IN (:grantees) AND g.kind = 'share' "
                + "AND g.valid_from <= :at AND (g.valid_to IS NULL OR g.valid_to > :at) "
                + "AND (g.expires_at IS NULL OR g.expires_at > :at)) "
                + "AND s.valid_from <= :at AND (s.valid_to IS NULL OR s.valid_to > :at) AND s.deleted_at IS NULL";
    }

    /**
     * Files with changes in {@code (since, until]}, the most recently changed first: owned by {@code owner} (all
     * when null), in {@code folder} (and below when recursive) at the change.
     */
    List<UUID> changedFiles(UserId owner, Instant since, Instant until, String folder, boolean recursive,
                            int offset, int limit) {
        StringBuilder sql = new StringBuilder("SELECT file_id FROM history_change ");
        JdbcClient.StatementSpec spec = changeFilter(sql, owner, since, until, folder, recursive,
                " GROUP BY file_id ORDER BY max(occurred_at) DESC, file_id OFFSET :offset LIMIT :limit");
        return spec.param("offset", offset).param("limit", limit).query(UUID.class).list();
    }

    long countChangedFiles(UserId owner, Instant since, Instant until, String folder, boolean recursive) {
        StringBuilder sql = new StringBuilder("SELECT count(DISTINCT file_id) FROM history_change ");
        return changeFilter(sql, owner, since, until, folder, recursive, "").query(Long.class).single();
    }

    /** The changes of the given files in {@code (since, until]}, oldest first, at most {@code perFile} each. */
    Map<UUID, List<ChangeRow>> changesOf(List<UUID> files, Instant since, Instant until, int perFile) {
        Map<UUID, List<ChangeRow>> result = new HashMap<>();
        if (files.isEmpty()) {
            return result;
        }
        jdbc.sql("""
                SELECT * FROM (SELECT c.*, row_number() OVER (PARTITION BY file_id ORDER BY occurred_at,
                       aggregate_seq, kind) AS n FROM history_change c
                 WHERE file_id IN (:ids) AND occurred_at > :since AND occurred_at <= :until) x
                 WHERE n <= :per ORDER BY file_id, occurred_at, aggregate_seq, kind
                """)
                .param("ids", files).param("since", ts(since)).param("until", ts(until)).param("per", perFile)
                .query(rs -> {
                    UUID id = rs.getObject("file_id", UUID.class);
                    Map<String, String> details = json.readValue(rs.getString("details"), STRINGS);
                    result.computeIfAbsent(id, k -> new ArrayList<>()).add(new ChangeRow(
                            new ChangeView(rs.getString("kind"), instant(rs, "occurred_at"), rs.getString("actor"),
                                    details), rs.getString("folder")));
                });
        return result;
    }

    /** One stored change and the folder the file was in at it. */
    record ChangeRow(ChangeView change, String folder) {
    }

    private JdbcClient.StatementSpec changeFilter(StringBuilder sql, UserId owner, Instant since, Instant until,
                                                  String folder, boolean recursive, String tail) {
        sql.append("WHERE occurred_at > :since AND occurred_at <= :until");
        if (owner != null) {
            sql.append(" AND owner_id = :owner");
        }
        if (folder != null) {
            sql.append(recursive ? " AND (folder = :folder OR folder LIKE :prefix ESCAPE '\\')" : " AND folder = :folder");
        }
        sql.append(tail);
        JdbcClient.StatementSpec spec = jdbc.sql(sql.toString()).param("since", ts(since)).param("until", ts(until));
        if (owner != null) {
            spec = spec.param("owner", owner.value());
        }
        if (folder != null) {
            spec = spec.param("folder", folder).param("prefix", (folder.equals("/") ? "" : likeEscape(folder)) + "/%");
        }
        return spec;
    }

    // ---- helpers ----

    private Map<FileId, List<Grant>> grantsAt(List<FileId> fileIds, Instant at) {
        Map<FileId, List<Grant>> result = new HashMap<>();
        if (fileIds.isEmpty()) {
            return result;
        }
        jdbc.sql("SELECT file_id, share_id, grantee, role, expires_at FROM history_grant WHERE file_id IN (:ids) "
                        + "AND kind = 'share' AND " + AT + " ORDER BY file_id, valid_from, share_id")
                .param("ids", fileIds.stream().map(HistoryRepository::uuid).toList()).param("at", ts(at))
                .query(rs -> {
                    result.computeIfAbsent(new FileId(rs.getString("file_id")), k -> new ArrayList<>())
                            .add(grant(rs));
                });
        return result;
    }

    private Map<FileId, List<Grant>> openGrants(FileId fileId) {
        Map<FileId, List<Grant>> result = new HashMap<>();
        jdbc.sql("SELECT file_id, share_id, grantee, role, expires_at FROM history_grant WHERE file_id = :id "
                        + "AND kind = 'share' AND valid_to IS NULL ORDER BY valid_from, share_id")
                .param("id", uuid(fileId))
                .query(rs -> {
                    result.computeIfAbsent(fileId, k -> new ArrayList<>()).add(grant(rs));
                });
        return result;
    }

    private static Grant grant(ResultSet rs) throws SQLException {
        return new Grant(rs.getString("share_id"), new Grantee(rs.getString("grantee")),
                Role.valueOf(rs.getString("role")), instant(rs, "expires_at"));
    }

    private static FileView withGrants(FileView state, Map<FileId, List<Grant>> grants) {
        return new FileView(state.fileId(), state.owner(), state.name(), state.mediaType(), state.size(),
                state.blobId(), state.version(), state.metadata(), state.createdAt(), state.updatedAt(),
                state.contentUpdatedAt(), state.deletedAt(), state.sequence(),
                new FilePermissions(state.owner(), grants.getOrDefault(state.fileId(), List.of())));
    }

    private FileView mapState(ResultSet rs, int row) throws SQLException {
        return io.filestore.query.metadata.FileRows.file(rs);
    }

    private static String likeEscape(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static UUID uuid(FileId fileId) {
        return UUID.fromString(fileId.value());
    }
}
