package io.filestore.api.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code filestore.blob-store.*}: storage nodes and replication. When {@code nodes} is empty, {@code node-count}
 * directories {@code <data-dir>/blobs/node-1..N} are used.
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
        List<String> locations) {

    public BlobStoreProperties {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        locations = locations == null ? List.of() : List.copyOf(locations);
    }

    public List<Path> resolveNodes(Path dataDir) {
        if (!nodes.isEmpty()) {
            return nodes.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        }
        return java.util.stream.IntStream.rangeClosed(1, nodeCount)
                .mapToObj(i -> dataDir.resolve("blobs").resolve("node-" + i))
                .toList();
    }
}
