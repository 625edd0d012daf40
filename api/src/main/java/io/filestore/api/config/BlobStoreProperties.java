package io.filestore.api.config;

import io.filestore.blob.S3NodeSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code filestore.blob-store.*}: storage nodes and replication. When {@code nodes} is empty and there are no
 * {@code s3-nodes}, {@code node-count} directories {@code <data-dir>/blobs/node-1..N} are used. S3 nodes come after
 * the directory nodes; {@code staging-directory} (default {@code <data-dir>/blobs/staging}) holds uploads while they
 * are hashed when no directory node is up.
 */
@ConfigurationProperties("filestore.blob-store")
public record BlobStoreProperties(
        List<Path> nodes,
        @DefaultValue("3") int nodeCount,
        @DefaultValue("2") int replicationFactor,
        @DefaultValue("true") boolean fsync,
        @DefaultValue("64MB") DataSize minFreeSpace,
        @DefaultValue("1h") Duration garbageGracePeriod,
        @DefaultValue("6h") Duration garbageCollectionInterval,
        @DefaultValue("1m") Duration garbageCollectionInitialDelay,
        @DefaultValue("1h") Duration tempGracePeriod,
        @DefaultValue("10000") int verifiedCacheEntries,
        @DefaultValue("5m") Duration verifiedMaxAge,
        @DefaultValue("1000") int healQueueCapacity,
        List<String> locations,
        List<S3Node> s3Nodes,
        Path stagingDirectory) {

    /** {@code filestore.blob-store.s3-nodes[i].*}: one node in an S3-compatible bucket. */
    public record S3Node(
            URI endpoint,
            @DefaultValue("us-east-1") String region,
            String bucket,
            @DefaultValue("") String prefix,
            @DefaultValue("false") boolean pathStyle,
            String accessKeyId,
            String secretAccessKey,
            @DefaultValue("default") String location,
            @DefaultValue("16MB") DataSize partSize,
            @DefaultValue("32") int maxConnections,
            @DefaultValue("10s") Duration timeout,
            @DefaultValue("3") int maxAttempts,
            @DefaultValue("2s") Duration stateCacheTime) {

        public S3NodeSettings toSettings() {
            return new S3NodeSettings(endpoint, region, bucket, prefix, pathStyle, blankToNull(accessKeyId),
                    blankToNull(secretAccessKey), location, partSize.toBytes(), maxConnections, timeout, maxAttempts,
                    stateCacheTime);
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value;
        }

        @Override
        public String toString() {
            return toSettings().toString(); // without the secret
        }
    }

    public BlobStoreProperties {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        locations = locations == null ? List.of() : List.copyOf(locations);
        s3Nodes = s3Nodes == null ? List.of() : List.copyOf(s3Nodes);
    }

    public List<S3NodeSettings> s3NodeSettings() {
        return s3Nodes.stream().map(S3Node::toSettings).toList();
    }

    public Path resolveStagingDirectory(Path dataDir) {
        return stagingDirectory != null ? stagingDirectory.toAbsolutePath().normalize()
                : dataDir.resolve("blobs").resolve("staging");
    }

    public List<Path> resolveNodes(Path dataDir) {
        if (!nodes.isEmpty()) {
            return nodes.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        }
        if (!s3Nodes.isEmpty()) {
            return List.of();
        }
        return java.util.stream.IntStream.rangeClosed(1, nodeCount)
                .mapToObj(i -> dataDir.resolve("blobs").resolve("node-" + i))
                .toList();
    }
}
