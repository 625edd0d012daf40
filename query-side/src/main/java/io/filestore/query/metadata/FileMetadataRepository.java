package io.filestore.query.metadata;

import io.filestore.query.ViewValues;
import io.filestore.command.api.BlobId;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileName;
import io.filestore.command.api.FilePermissions;
import io.filestore.command.api.Grant;
import io.filestore.command.api.Grantee;
import io.filestore.command.api.Role;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.UserId;
import io.filestore.query.metadata.api.FilePage;
import io.filestore.query.metadata.api.FileVersionView;
import io.filestore.query.metadata.api.FileView;
import io.filestore.query.metadata.api.ListingPaging;
import io.filestore.query.metadata.api.ListingPosition;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The PostgreSQL tables {@code file_view} and {@code file_version_view}. Every write is an idempotent upsert. */
@Repository
public class FileMetadataRepository {

    private static final String FILE_COLUMNS = "file_id, owner_id, name, media_type, size, blob_sha256, version, "
            + "description, tags, folder, attributes, created_at, updated_at, content_updated_at, deleted_at, aggregate_seq";
    /**
     * How many times the exact-count limit the planner's estimate must be before the count is skipped: the estimate
     * comes from statistics that may be a few autoanalyze periods old, and a listing near the limit is counted.
     * Listings the statistics put at 1,000 files or fewer are always counted (up to the limit), whatever the limit.
     */
    private static final long CLEARLY_LARGER = 4;
    private static final String FILE_COLUMNS_OF_F = "f." + FILE_COLUMNS.replace(", ", ", f.");

    private final JdbcClient jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    public FileMetadataRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insertFile(FileView file) {
        jdbc.sql("""
                INSERT INTO file_view (file_id, owner_id, name, media_type, size, blob_sha256, version, aggregate_seq,
                                       description, tags, folder, attributes, created_at, updated_at, content_updated_at)
                VALUES (:id, :owner, :name, :type, :size, :blob, :version, :seq, :description,
                        CAST(:tags AS jsonb), :folder, CAST(:attributes AS jsonb), :created, :created, :created)
                ON CONFLICT (file_id) DO NOTHING
                """)
                .param("id", uuid(file.fileId()))
                .param("owner", file.owner().value())
                .param("name", ViewValues.text(file.name().value()))
                .param("type", file.mediaType().value())
                .param("size", file.size())
                .param("blob", file.blobId().sha256())
                .param("version", file.version())
                .param("seq", file.sequence())
                .param("description", ViewValues.text(file.metadata().description()))
                .param("tags", ViewValues.json(json.writeValueAsString(file.metadata().tags())))
                .param("folder", ViewValues.text(file.metadata().folder()))
                .param("attributes", ViewValues.json(json.writeValueAsString(file.metadata().attributes())))
                .param("created", Timestamp.from(file.createdAt()))
                .update();
    }

    /** Sets the current content. Like every update, it applies only to a view that is behind {@code seq}. */
    void updateContent(FileId fileId, long seq, int version, BlobId blobId, long size, MediaType mediaType,
                       Instant at) {
        jdbc.sql("""
                UPDATE file_view SET version = :version, blob_sha256 = :blob, size = :size, media_type = :type,
                       updated_at = :at, content_updated_at = :at, aggregate_seq = :seq
                WHERE file_id = :id AND aggregate_seq < :seq
                """)
                .param("id", uuid(fileId)).param("seq", seq).param("version", version).param("blob", blobId.sha256())
                .param("size", size).param("type", mediaType.value()).param("at", Timestamp.from(at))
                .update();
    }

    /** Sets name and metadata; {@code inclusive} lets the same event also update content first. */
    void updateMetadata(FileId fileId, long seq, boolean inclusive, FileName name, FileMetadata metadata, Instant at) {
        jdbc.sql("""
                UPDATE file_view SET name = :name, description = :description, tags = CAST(:tags AS jsonb),
                       folder = :folder, attributes = CAST(:attributes AS jsonb), updated_at = :at,
                       aggregate_seq = :seq
                WHERE file_id = :id AND (aggregate_seq < :seq OR (:inclusive AND aggregate_seq = :seq))
                """)
                .param("id", uuid(fileId)).param("seq", seq).param("inclusive", inclusive).param("name", ViewValues.text(name.value()))
                .param("description", ViewValues.text(metadata.description()))
                .param("tags", ViewValues.json(json.writeValueAsString(metadata.tags())))
                .param("folder", ViewValues.text(metadata.folder()))
                .param("attributes", ViewValues.json(json.writeValueAsString(metadata.attributes())))
                .param("at", Timestamp.from(at))
                .update();
    }

    void markDeleted(FileId fileId, long seq, UserId by, Instant at) {
        jdbc.sql("UPDATE file_view SET deleted_at = :at, deleted_by = :by, updated_at = :at, aggregate_seq = :seq "
                        + "WHERE file_id = :id AND aggregate_seq < :seq")
                .param("id", uuid(fileId)).param("seq", seq).param("at", Timestamp.from(at)).param("by", by.value())
                .update();
    }

    void markRestored(FileId fileId, long seq, Instant at) {
        jdbc.sql("UPDATE file_view SET deleted_at = NULL, deleted_by = NULL, updated_at = :at, aggregate_seq = :seq "
                        + "WHERE file_id = :id AND aggregate_seq < :seq")
                .param("id", uuid(fileId)).param("seq", seq).param("at", Timestamp.from(at))
                .update();
    }

    void purge(FileId fileId) {
        jdbc.sql("DELETE FROM file_access WHERE file_id = :id").param("id", uuid(fileId)).update();
        jdbc.sql("DELETE FROM file_version_view WHERE file_id = :id").param("id", uuid(fileId)).update();
        jdbc.sql("DELETE FROM file_view WHERE file_id = :id").param("id", uuid(fileId)).update();
    }

    void insertVersion(FileVersionView version) {
        jdbc.sql("""
                INSERT INTO file_version_view (file_id, version, blob_sha256, size, media_type, uploaded_at,
                                               uploaded_by, change_log, restored_from)
                VALUES (:id, :version, :blob, :size, :type, :at, :by, :log, :from)
                ON CONFLICT (file_id, version) DO NOTHING
                """)
                .param("id", uuid(version.fileId())).param("version", version.version())
                .param("blob", version.blobId().sha256()).param("size", version.size())
                .param("type", version.mediaType().value()).param("at", Timestamp.from(version.uploadedAt()))
                .param("by", version.uploadedBy().value()).param("log", ViewValues.text(version.changeLog()))
                .param("from", version.restoredFrom())
                .update();
    }

    void deleteAll() {
        jdbc.sql("TRUNCATE file_version_view, file_view, file_access").update();
    }

    void insertAccess(FileId fileId, String shareId, Grantee grantee, Role role, Instant expiresAt) {
        jdbc.sql("""
                INSERT INTO file_access (file_id, share_id, grantee, role, expires_at)
                VALUES (:id, :share, :grantee, :role, :expires) ON CONFLICT (file_id, share_id) DO NOTHING
                """)
                .param("id", uuid(fileId)).param("share", shareId).param("grantee", grantee.value())
                .param("role", role.name()).param("expires", ViewValues.timestamp(expiresAt))
                .update();
    }

    /** Records that the view reflects {@code seq} for an event that changes nothing else in {@code file_view}. */
    void touch(FileId fileId, long seq) {
        jdbc.sql("UPDATE file_view SET aggregate_seq = :seq WHERE file_id = :id AND aggregate_seq < :seq")
                .param("id", uuid(fileId)).param("seq", seq).update();
    }

    void deleteAccess(FileId fileId, String shareId) {
        jdbc.sql("DELETE FROM file_access WHERE file_id = :id AND share_id = :share")
                .param("id", uuid(fileId)).param("share", shareId).update();
    }

    List<Grant> grants(FileId fileId) {
        return grants(List.of(fileId)).getOrDefault(fileId, List.of());
    }

    FilePage listSharedWith(java.util.Set<String> grantees, ListingPaging paging) {
        return page("FROM file_view f WHERE f.deleted_at IS NULL AND EXISTS (SELECT 1 FROM file_access a "
                        + "WHERE a.file_id = f.file_id AND a.grantee IN (:grantees) "
                        + "AND (a.expires_at IS NULL OR a.expires_at > now()))",
                Map.of("grantees", List.copyOf(grantees)), "f.updated_at", FileView::updatedAt, paging);
    }

    /** The files with their grants, loaded in one query for the whole page. */
    List<FileView> withPermissions(List<FileView> files) {
        Map<FileId, List<Grant>> grants = grants(files.stream().map(FileView::fileId).toList());
        return files.stream().map(file -> withGrants(file, grants.getOrDefault(file.fileId(), List.of()))).toList();
    }

    private static FileView withGrants(FileView file, List<Grant> grants) {
        return new FileView(file.fileId(), file.owner(), file.name(), file.mediaType(), file.size(), file.blobId(),
                file.version(), file.metadata(), file.createdAt(), file.updatedAt(), file.contentUpdatedAt(),
                file.deletedAt(), file.sequence(), new FilePermissions(file.owner(), grants));
    }

    /** The grants of each of {@code fileIds} that has any. */
    Map<FileId, List<Grant>> grants(List<FileId> fileIds) {
        if (fileIds.isEmpty()) {
            return Map.of();
        }
        Map<FileId, List<Grant>> result = new java.util.HashMap<>();
        jdbc.sql("SELECT file_id, share_id, grantee, role, expires_at FROM file_access WHERE file_id IN (:ids) "
                        + "ORDER BY file_id, share_id")
                .param("ids", fileIds.stream().map(FileMetadataRepository::uuid).distinct().toList())
                .query(rs -> {
                    result.computeIfAbsent(new FileId(rs.getString("file_id")), key -> new ArrayList<>())
                            .add(grant(rs));
                });
        return result;
    }

    /** The grant in the current row's {@code share_id, grantee, role, expires_at} columns. */
    private static Grant grant(ResultSet rs) throws SQLException {
        Timestamp expires = rs.getTimestamp("expires_at");
        return new Grant(rs.getString("share_id"), new Grantee(rs.getString("grantee")),
                Role.valueOf(rs.getString("role")), expires == null ? null : expires.toInstant());
    }

    /** The sequence number the view of {@code fileId} reflects, or -1 when there is no view (yet, or any more). */
    long sequenceOf(FileId fileId) {
        return jdbc.sql("SELECT aggregate_seq FROM file_view WHERE file_id = :id")
                .param("id", uuid(fileId))
                .query(Long.class).optional().orElse(-1L);
    }

    /**
     * The file with its grants, in one statement (one round trip, one snapshot): the file's row comes once per
     * grant, joined, or once with no grant.
     */
    Optional<FileView> findFile(FileId fileId) {
        FileView[] file = new FileView[1];
        List<Grant> grants = new ArrayList<>();
        jdbc.sql("SELECT " + FILE_COLUMNS_OF_F + ", a.share_id, a.grantee, a.role, a.expires_at FROM file_view f "
                        + "LEFT JOIN file_access a ON a.file_id = f.file_id WHERE f.file_id = :id ORDER BY a.share_id")
                .param("id", uuid(fileId))
                .query(rs -> {
                    if (file[0] == null) {
                        file[0] = mapFile(rs, 0);
                    }
                    if (rs.getString("share_id") != null) {
                        grants.add(grant(rs));
                    }
                });
        return Optional.ofNullable(file[0]).map(found -> withGrants(found, grants));
    }

    FilePage listLive(UserId owner, ListingPaging paging) {
        return page("FROM file_view f WHERE f.owner_id = :owner AND f.deleted_at IS NULL",
                Map.of("owner", owner.value()), "f.created_at", FileView::createdAt, paging);
    }

    FilePage listTrash(UserId owner, ListingPaging paging) {
        return page("FROM file_view f WHERE f.owner_id = :owner AND f.deleted_at IS NOT NULL",
                Map.of("owner", owner.value()), "f.deleted_at", FileView::deletedAt, paging);
    }

    /**
     * One page of the files {@code from} selects, ordered by {@code key} then file id, both descending: after the
     * paging's position (an index seek on the listing's index) or at its offset. One more row than the page is read
     * to tell whether another page follows without counting.
     */
    private FilePage page(String from, Map<String, ?> params, String key, Function<FileView, Instant> keyOf,
                          ListingPaging paging) {
        ListingPosition after = paging.after();
        List<FileView> rows = jdbc.sql("SELECT " + FILE_COLUMNS_OF_F + " " + from
                        + (after == null ? "" : " AND (" + key + ", f.file_id) < (:afterAt, :afterId)")
                        + " ORDER BY " + key + " DESC, f.file_id DESC OFFSET :offset LIMIT :limit")
                .params(params)
                .param("afterAt", after == null ? null : Timestamp.from(after.at()))
                .param("afterId", after == null ? null : uuid(after.fileId()))
                .param("offset", paging.offset()).param("limit", paging.limit() + 1)
                .query(this::mapFile).list();
        boolean more = rows.size() > paging.limit();
        List<FileView> files = more ? rows.subList(0, paging.limit()) : rows;
        FileView last = more ? files.get(files.size() - 1) : null;
        ListingPosition next = last == null ? null : new ListingPosition(keyOf.apply(last), last.fileId());
        if (!more && after == null && (paging.offset() == 0 || !files.isEmpty())) {
            // the last page of an offset listing that reached it: the total is known without counting
            return new FilePage(withPermissions(files), paging.offset() + files.size(), true, null);
        }
        long exactLimit = paging.exactTotalLimit();
        long estimate = estimate(from, params);
        if (estimate > CLEARLY_LARGER * Math.max(exactLimit, 250)) {
            // far beyond the limit by the statistics: counting even up to the limit would cost more than the page
            return new FilePage(withPermissions(files), estimate, false, next);
        }
        long counted = jdbc.sql("SELECT count(*) FROM (SELECT 1 " + from + " LIMIT :cap) capped")
                .params(params).param("cap", exactLimit + 1)
                .query(Long.class).single();
        if (counted <= exactLimit) {
            return new FilePage(withPermissions(files), counted, true, next);
        }
        return new FilePage(withPermissions(files), Math.max(estimate, exactLimit + 1), false, next);
    }

    /** PostgreSQL's estimate of the number of rows {@code from} selects (the planner's, from the table statistics). */
    private long estimate(String from, Map<String, ?> params) {
        String plan = jdbc.sql("EXPLAIN (FORMAT JSON) SELECT 1 " + from).params(params)
                .query(String.class).single();
        return json.readTree(plan).path(0).path("Plan").path("Plan Rows").asLong(0);
    }

    List<FileVersionView> versions(FileId fileId) {
        return jdbc.sql("SELECT file_id, version, blob_sha256, size, media_type, uploaded_at, uploaded_by, change_log, "
                        + "restored_from FROM file_version_view WHERE file_id = :id ORDER BY version DESC")
                .param("id", uuid(fileId))
                .query(this::mapVersion).list();
    }

    List<FileId> trashedBefore(Instant before, int limit) {
        return jdbc.sql("SELECT file_id FROM file_view WHERE deleted_at < :before ORDER BY deleted_at LIMIT :limit")
                .param("before", Timestamp.from(before)).param("limit", limit)
                .query((rs, n) -> new FileId(rs.getString(1))).list();
    }

    List<BlobId> unreferenced(List<BlobId> candidates) {
        if (candidates.isEmpty()) {
            return List.of();
        }
        List<String> hashes = candidates.stream().map(BlobId::sha256).toList();
        List<String> referenced = jdbc.sql("SELECT DISTINCT blob_sha256 FROM file_version_view WHERE blob_sha256 IN (:hashes)")
                .param("hashes", hashes)
                .query(String.class).list();
        List<BlobId> result = new ArrayList<>();
        for (BlobId candidate : candidates) {
            if (!referenced.contains(candidate.sha256())) {
                result.add(candidate);
            }
        }
        return result;
    }

    private FileView mapFile(ResultSet rs, int row) throws SQLException {
        return io.filestore.query.metadata.FileRows.file(rs);
    }

    private FileVersionView mapVersion(ResultSet rs, int row) throws SQLException {
        int restoredFrom = rs.getInt("restored_from");
        Integer restored = rs.wasNull() ? null : restoredFrom;
        return new FileVersionView(
                new FileId(rs.getString("file_id")),
                rs.getInt("version"),
                new BlobId(rs.getString("blob_sha256")),
                rs.getLong("size"),
                new MediaType(rs.getString("media_type")),
                instant(rs, "uploaded_at"),
                new UserId(rs.getString("uploaded_by")),
                rs.getString("change_log"),
                restored);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    private static UUID uuid(FileId fileId) {
        return UUID.fromString(fileId.value());
    }
}
