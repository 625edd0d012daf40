package io.filestore.api.storage;

import io.filestore.blob.Scrubber;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The blobs a live or trashed (restorable) version references, read from the metadata view's version table (a
 * purged file's versions leave it), and the files that use a blob.
 */
@Component
public class ReferencedBlobs implements Scrubber.BlobSource {

    /** A version that uses a blob. */
    public record Use(String fileId, int version) {
    }

    private final JdbcClient jdbc;

    public ReferencedBlobs(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<String> after(String afterExclusive, int limit) {
        return jdbc.sql("SELECT DISTINCT blob_sha256 FROM file_version_view WHERE blob_sha256 > :after"
                        + " ORDER BY blob_sha256 LIMIT :limit")
                .param("after", afterExclusive)
                .param("limit", limit)
                .query(String.class).list().stream().map(String::trim).toList();
    }

    /** Up to {@code limit} versions that use the blob. */
    public List<Use> usedBy(String sha256, int limit) {
        return jdbc.sql("SELECT file_id::text AS file_id, version FROM file_version_view WHERE blob_sha256 = :sha"
                        + " ORDER BY file_id, version LIMIT :limit")
                .param("sha", sha256)
                .param("limit", limit)
                .query((rs, row) -> new Use(rs.getString("file_id"), rs.getInt("version"))).list();
    }
}
