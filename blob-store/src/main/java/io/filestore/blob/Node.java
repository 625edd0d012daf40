package io.filestore.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One storage node: a directory ({@link DirectoryNode}) or an S3-compatible bucket ({@link S3Node}). {@link BlobStore}
 * places, reads, verifies and heals replicas through these few operations only, so both kinds work side by side.
 * A read-only or draining node is read but takes no new replicas.
 */
abstract class Node {

    static final String READ_ONLY = "READ_ONLY";
    static final String DRAINING = "DRAINING";

    /** The node id used for placement: a directory's absolute path, {@code s3://endpoint/bucket/prefix}. */
    final String id;
    /** Short name for administrators: {@code node-<position in the configuration, from 1>}. */
    final String name;
    final String location;
    final AtomicLong errors = new AtomicLong();
    /** 64 bits of SHA-256(id): the node's part of the rendezvous weight. */
    private final long idHash;

    Node(String id, String name, String location) {
        this.id = id;
        this.name = name;
        this.location = location;
        byte[] digest = Sha256.newDigest().digest(id.getBytes(StandardCharsets.UTF_8));
        long h = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            h = (h << 8) | (digest[i] & 0xff);
        }
        this.idHash = h;
    }

    /** {@code directory} or {@code s3}. */
    abstract String kind();

    /** Creates what the node needs (directories); a failure leaves the node down. */
    abstract void initialize() throws IOException;

    /** The node can be read and written now. */
    abstract boolean isUp();

    abstract boolean isReadOnly();

    abstract boolean isDraining();

    /** Up, and neither read-only nor draining: it may take new replicas. */
    boolean isWritable() {
        return isUp() && !isReadOnly() && !isDraining();
    }

    /** Sets or clears a state marker (durably: it must survive a crash and travel with the node's storage). */
    abstract void mark(String marker, boolean on) throws IOException;

    /** The node can be listed, so a replica that is not there does not exist on this node. */
    abstract boolean isReadable();

    /** Room left for new replicas ({@link Long#MAX_VALUE} when the node has no known limit, 0 when down). */
    abstract long usableBytes();

    /** The node's capacity (0 when unknown or down). */
    abstract long totalBytes();

    /**
     * The replica of a blob on this node.
     *
     * @return empty when the node has no replica of it
     * @throws IOException when the node cannot tell (it is down or failing)
     */
    abstract Optional<Replica> replica(String sha256) throws IOException;

    /** Reads {@code length} bytes of a replica from {@code offset} on (a ranged read where the node has them). */
    abstract InputStream open(Replica replica, long offset, long length) throws IOException;

    /** Hashes a whole replica. */
    Sha256.Digested hash(Replica replica) throws IOException {
        try (InputStream in = open(replica, 0, replica.size())) {
            return Sha256.of(in);
        }
    }

    /**
     * Stores a replica from a local file whose content was verified to be {@code sha256} and {@code size} bytes,
     * checking what was written, and makes it visible at once and completely or not at all.
     */
    abstract void write(String sha256, long size, Path verifiedSource, boolean fsync) throws IOException;

    /**
     * Moves a corrupt replica out of the way, unless it changed since it was examined.
     *
     * @return where it went, for the log; empty when it had changed or was gone
     */
    abstract Optional<String> quarantine(Replica examined) throws IOException;

    /** Removes a replica if it exists. */
    abstract void delete(String sha256) throws IOException;

    /** Marks an existing replica as freshly wanted, so a garbage collector's grace period starts again. */
    abstract void touch(String sha256) throws IOException;

    /** The ids of the blobs on this node, ascending; an unreachable node lists nothing. */
    abstract Iterator<String> ids();

    /** Blobs on the node and their bytes. */
    abstract NodeUsage usage();

    /** Removes leftovers of interrupted writes older than the cut-off; returns how many. */
    abstract int cleanup(java.time.Instant cutoff);

    /** The state administrators see. */
    abstract NodeStatus status();

    /** Releases clients and connections. */
    void close() {
    }

    String state() {
        boolean up = isUp();
        return !up ? "down" : isDraining() ? "draining" : isReadOnly() ? "read-only" : "up";
    }

    /** Rendezvous (highest random weight) weight of this node for a blob. */
    long weight(String sha256) {
        long blobKey = Long.parseUnsignedLong(sha256.substring(0, 16), 16);
        return mix(idHash ^ blobKey);
    }

    /**
     * The order in which nodes take a blob's replicas: rendezvous order, except that the first node of every location
     * comes before the second node of any location, so R replicas land in R distinct locations when there are R.
     * With one location (the default) this is the plain rendezvous order.
     */
    static List<Node> placementOrder(List<Node> nodes, String sha256) {
        List<Node> rendezvous = rendezvousOrder(nodes, sha256);
        Set<String> seen = new LinkedHashSet<>();
        List<Node> first = new ArrayList<>();
        List<Node> rest = new ArrayList<>();
        for (Node node : rendezvous) {
            (seen.add(node.location) ? first : rest).add(node);
        }
        first.addAll(rest);
        return first;
    }

    /** All nodes, highest rendezvous weight first: the first R up nodes are the blob's home. */
    static List<Node> rendezvousOrder(List<Node> nodes, String sha256) {
        List<Node> ordered = new ArrayList<>(nodes);
        ordered.sort(Comparator.comparingLong((Node n) -> n.weight(sha256))
                .reversed()
                .thenComparing(n -> n.id));
        return ordered;
    }

    // splitmix64 finalizer: spreads every input bit over the whole weight
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return name + " (" + id + ")";
    }
}
