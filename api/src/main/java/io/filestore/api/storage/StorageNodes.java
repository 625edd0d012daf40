package io.filestore.api.storage;

import io.filestore.blob.BlobStore;
import io.filestore.blob.BlobStoreException;
import io.filestore.blob.NodeStatus;
import io.filestore.blob.S3NodeSettings;
import jakarta.annotation.PostConstruct;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Storage nodes added at runtime: kept in table {@code storage_node_added} and added to the blob store, after the
 * configured nodes and in the order they were added, when the application starts (before anything reads or writes
 * blobs). Adding one requests a rebalance; removing one drops its row (a configured node removed at runtime comes
 * back with the configuration at the next start unless it is taken out of it).
 */
@Component
public class StorageNodes {

    private static final Logger log = LoggerFactory.getLogger(StorageNodes.class);

    /** A node to add: a directory ({@code path}) or an S3 bucket (credentials from the default provider chain). */
    public record NewNode(String kind, Path path, URI endpoint, String region, String bucket, String prefix,
                          boolean pathStyle, String location) {
    }

    private final BlobStore blobs;
    private final JdbcClient jdbc;
    private final RebalanceService rebalance;

    public StorageNodes(BlobStore blobs, JdbcClient jdbc, RebalanceService rebalance) {
        this.blobs = blobs;
        this.jdbc = jdbc;
        this.rebalance = rebalance;
    }

    @PostConstruct
    void addSaved() {
        jdbc.sql("SELECT kind, path, endpoint, region, bucket, prefix, path_style, location FROM storage_node_added"
                        + " ORDER BY position")
                .query((rs, row) -> new NewNode(rs.getString("kind"),
                        rs.getString("path") == null ? null : Path.of(rs.getString("path")),
                        rs.getString("endpoint") == null ? null : URI.create(rs.getString("endpoint")),
                        rs.getString("region"), rs.getString("bucket"), rs.getString("prefix"),
                        rs.getBoolean("path_style"), rs.getString("location")))
                .list()
                .forEach(node -> {
                    try {
                        add(node);
                    } catch (RuntimeException e) {
                        log.error("Storage node {} added at runtime cannot be added again: {}", node, e.toString());
                    }
                });
    }

    private NodeStatus add(NewNode node) {
        if (node.kind().equals("directory")) {
            return blobs.addNode(node.path(), node.location());
        }
        return blobs.addNode(s3(node));
    }

    /** Validates the node (400 for an invalid one, 409 when it is there already) before anything changes. */
    static S3NodeSettings s3(NewNode node) {
        return new S3NodeSettings(node.endpoint(), node.region(), node.bucket(), node.prefix(), node.pathStyle(),
                null, null, node.location(), S3NodeSettings.DEFAULT_PART_SIZE, 32, Duration.ofSeconds(10), 3,
                Duration.ofSeconds(2));
    }

    /** Adds the node to the store, saves it and requests a rebalance. */
    @Transactional
    public NodeStatus add(NewNode node, String addedBy) {
        NodeStatus status = add(node);
        try {
            jdbc.sql("INSERT INTO storage_node_added (node_id, kind, path, endpoint, region, bucket, prefix,"
                            + " path_style, location, added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(status.id(), node.kind(), node.path() == null ? null : status.path().toString(),
                            node.endpoint() == null ? null : node.endpoint().toString(), node.region(),
                            node.bucket(), node.prefix(), node.pathStyle(), node.location(), addedBy)
                    .update();
        } catch (RuntimeException e) {
            blobs.removeNode(status.name()); // not saved: not added either
            throw e;
        }
        log.info("Storage node {} ({}) added by {}", status.name(), status.id(), addedBy);
        rebalance.request();
        return status;
    }

    /**
     * Takes a node out of the store.
     *
     * @throws BlobStoreException INVALID_STATE (409) while it holds the only intact replica of a blob
     */
    @Transactional
    public NodeStatus remove(String name) {
        NodeStatus removed = blobs.removeNode(name);
        jdbc.sql("DELETE FROM storage_node_added WHERE node_id = ?").params(removed.id()).update();
        log.info("Storage node {} ({}) removed", removed.name(), removed.id());
        return removed;
    }
}
