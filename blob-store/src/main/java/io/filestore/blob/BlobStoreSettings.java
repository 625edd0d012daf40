package io.filestore.blob;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Configuration of a {@link BlobStore}.
 *
 * @param nodes                the node directories; each one is a storage node (ideally its own disk)
 * @param replicationFactor    how many nodes hold each blob, {@code 1 <= R <= nodes.size()}
 * @param minFreeBytes         a node whose usable space would drop below this after a write is treated as full
 * @param fsync                force file contents and directory entries to disk before a write counts as done
 * @param verifiedCacheEntries how many verified replicas (path, size, last-modified) {@code open} remembers so it
 *                             need not re-hash them; 0 disables the cache
 * @param verifiedMaxAge       how long a verification in that cache is trusted; after it a replica is hashed again
 *                             before it is served by {@link BlobStore#open(String)}
 * @param healQueueCapacity    how many blobs may wait for a background heal; more are dropped (scrub finds them)
 * @param locations            the location (zone, site) of each node, in the order of {@code nodes}; empty means
 *                             every node is in {@value #DEFAULT_LOCATION}. Replicas of a blob go to distinct
 *                             locations when there are enough
 * @param s3Nodes              nodes in S3-compatible buckets, after the directory nodes (named {@code node-<N+1>}...)
 * @param stagingDirectory     where an upload is written while its hash is unknown when no directory node is up and
 *                             writable (with S3 nodes only, or every directory node down); null: such uploads fail
 */
public record BlobStoreSettings(List<Path> nodes, int replicationFactor, long minFreeBytes, boolean fsync,
                                int verifiedCacheEntries, Duration verifiedMaxAge, int healQueueCapacity,
                                List<String> locations, List<S3NodeSettings> s3Nodes, Path stagingDirectory) {

    public static final String DEFAULT_LOCATION = "default";

    /** Directory nodes only. */
    public BlobStoreSettings(List<Path> nodes, int replicationFactor, long minFreeBytes, boolean fsync,
                             int verifiedCacheEntries, Duration verifiedMaxAge, int healQueueCapacity,
                             List<String> locations) {
        this(nodes, replicationFactor, minFreeBytes, fsync, verifiedCacheEntries, verifiedMaxAge, healQueueCapacity,
                locations, List.of(), null);
    }

    /** Every node in the default location. */
    public BlobStoreSettings(List<Path> nodes, int replicationFactor, long minFreeBytes, boolean fsync,
                             int verifiedCacheEntries, Duration verifiedMaxAge, int healQueueCapacity) {
        this(nodes, replicationFactor, minFreeBytes, fsync, verifiedCacheEntries, verifiedMaxAge, healQueueCapacity,
                List.of());
    }

    public static final Duration DEFAULT_VERIFIED_MAX_AGE = Duration.ofMinutes(5);
    public static final int DEFAULT_HEAL_QUEUE_CAPACITY = 1000;

    /** With the default {@code verifiedMaxAge} and {@code healQueueCapacity}. */
    public BlobStoreSettings(List<Path> nodes, int replicationFactor, long minFreeBytes, boolean fsync,
                             int verifiedCacheEntries) {
        this(nodes, replicationFactor, minFreeBytes, fsync, verifiedCacheEntries, DEFAULT_VERIFIED_MAX_AGE,
                DEFAULT_HEAL_QUEUE_CAPACITY);
    }

    public BlobStoreSettings {
        Objects.requireNonNull(nodes, "nodes");
        nodes = List.copyOf(nodes);
        s3Nodes = List.copyOf(Objects.requireNonNull(s3Nodes, "s3Nodes"));
        if (nodes.isEmpty() && s3Nodes.isEmpty()) {
            throw new IllegalArgumentException("at least one node (a directory or an S3 bucket) is required");
        }
        if (nodes.isEmpty() && stagingDirectory == null) {
            throw new IllegalArgumentException("with S3 nodes only, a staging directory is required");
        }
        Set<String> distinctBuckets = new HashSet<>();
        for (S3NodeSettings s3 : s3Nodes) {
            if (!distinctBuckets.add(s3.nodeId())) {
                throw new IllegalArgumentException("S3 node listed twice: " + s3.nodeId());
            }
        }
        Set<Path> distinct = new HashSet<>();
        for (Path node : nodes) {
            if (!distinct.add(node.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("node directory listed twice: " + node);
            }
        }
        int nodeCount = nodes.size() + s3Nodes.size();
        if (replicationFactor < 1 || replicationFactor > nodeCount) {
            throw new IllegalArgumentException("replicationFactor must be between 1 and the number of nodes ("
                    + nodeCount + "), was " + replicationFactor);
        }
        if (minFreeBytes < 0) {
            throw new IllegalArgumentException("minFreeBytes must be >= 0, was " + minFreeBytes);
        }
        if (verifiedCacheEntries < 0) {
            throw new IllegalArgumentException("verifiedCacheEntries must be >= 0, was " + verifiedCacheEntries);
        }
        Objects.requireNonNull(verifiedMaxAge, "verifiedMaxAge");
        if (verifiedMaxAge.isNegative()) {
            throw new IllegalArgumentException("verifiedMaxAge must not be negative, was " + verifiedMaxAge);
        }
        if (healQueueCapacity < 1) {
            throw new IllegalArgumentException("healQueueCapacity must be >= 1, was " + healQueueCapacity);
        }
        locations = List.copyOf(Objects.requireNonNull(locations, "locations"));
        if (!locations.isEmpty() && locations.size() != nodes.size()) {
            throw new IllegalArgumentException("give one location per node (" + nodes.size() + " nodes), or none; got "
                    + locations.size());
        }
        for (String location : locations) {
            if (location == null || !location.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("a location is 1 to 64 letters, digits, '.', '_' or '-', got '"
                        + location + "'");
            }
        }
    }

    /** The location of the node at {@code index} in {@link #nodes()}. */
    public String location(int index) {
        return locations.isEmpty() ? DEFAULT_LOCATION : locations.get(index);
    }
}
