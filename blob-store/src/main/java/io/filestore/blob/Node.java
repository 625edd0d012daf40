package io.filestore.blob;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One node directory:
 * <pre>
 * &lt;node&gt;/blobs/ab/cd/&lt;sha256&gt;   replicas, fanned out by the first two byte-pairs of the id
 * &lt;node&gt;/tmp/                     files being written (moved atomically into blobs/ when complete)
 * &lt;node&gt;/quarantine/              replicas found corrupt
 * &lt;node&gt;/READ_ONLY, &lt;node&gt;/DRAINING   markers of the state an administrator set (they travel with the disk)
 * </pre>
 * A node is up when its directory and its {@code blobs} directory exist and are writable. A missing {@code blobs}
 * directory means down (an unmounted disk shows an empty mount point), so it is only created at construction.
 * A read-only or draining node is read but takes no new replicas.
 */
final class Node {

    final String id;
    final Path root;
    final Path blobs;
    final Path tmp;
    final Path quarantine;
    /** Short name for administrators: {@code node-<position in the configuration, from 1>}. */
    final String name;
    final String location;
    final AtomicLong errors = new AtomicLong();
    /** 64 bits of SHA-256(id): the node's part of the rendezvous weight. */
    private final long idHash;

    Node(Path root) {
        this(root, "node", BlobStoreSettings.DEFAULT_LOCATION);
    }

    Node(Path root, String name, String location) {
        this.name = name;
        this.location = location;
        this.root = root.toAbsolutePath().normalize();
        this.id = this.root.toString();
        this.blobs = this.root.resolve("blobs");
        this.tmp = this.root.resolve("tmp");
        this.quarantine = this.root.resolve("quarantine");
        byte[] digest = Sha256.newDigest().digest(id.getBytes(StandardCharsets.UTF_8));
        long h = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            h = (h << 8) | (digest[i] & 0xff);
        }
        this.idHash = h;
    }

    void initialize() throws IOException {
        Files.createDirectories(blobs);
        Files.createDirectories(tmp);
        Files.createDirectories(quarantine);
    }

    boolean isUp() {
        return Files.isDirectory(root) && Files.isDirectory(blobs) && Files.isWritable(blobs);
    }

    /** Up, and neither read-only nor draining: it may take new replicas. */
    boolean isWritable() {
        return isUp() && !isReadOnly() && !isDraining();
    }

    boolean isReadOnly() {
        return Files.exists(root.resolve(READ_ONLY));
    }

    boolean isDraining() {
        return Files.exists(root.resolve(DRAINING));
    }

    static final String READ_ONLY = "READ_ONLY";
    static final String DRAINING = "DRAINING";

    /** Sets or clears a state marker (written durably: it must survive a crash). */
    void mark(String marker, boolean on) throws IOException {
        Path file = root.resolve(marker);
        if (on) {
            if (!Files.exists(file)) {
                Files.writeString(file, "set by an administrator\n");
                fsyncDirectory(root);
            }
        } else if (Files.deleteIfExists(file)) {
            fsyncDirectory(root);
        }
    }

    /** The blobs directory exists, so a replica that is not there does not exist on this node. */
    boolean isReadable() {
        return Files.isDirectory(blobs);
    }

    long usableBytes() {
        return root.toFile().getUsableSpace(); // 0 when the directory does not exist
    }

    Path blobPath(String sha256) {
        return blobs.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
    }

    Path newTempFile(String prefix) throws IOException {
        Files.createDirectories(tmp); // only under an existing node directory: callers checked isUp()
        return Files.createTempFile(tmp, prefix, ".tmp");
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

    /** Forces a directory's entries to disk; not every platform can open a directory, which is then skipped. */
    static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // e.g. Windows cannot open a directory as a channel; the move itself is still atomic
        }
    }

    // splitmix64 finalizer: spreads every input bit over the whole weight
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return id;
    }
}
