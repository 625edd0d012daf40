package io.filestore.blob;

import io.filestore.blob.BlobStoreException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Immutable, content-addressed blobs (the id is the lowercase hex SHA-256 of the content) replicated on R of N node
 * directories.
 *
 * <p>Placement is rendezvous (highest random weight) hashing of the blob id over the node ids: a blob's home is the
 * first R nodes of its rendezvous order that are up and have room; when one is down or full the next one in that
 * order takes its place. Adding or removing a node therefore moves only the blobs whose home changes.
 *
 * <p>Writes stream through a digest into a temp file and are published with an atomic move, so a file at a final
 * path is always complete. Reads verify the content (before reading, or while the caller streams it, see
 * {@link ReadCheck}) and quarantine corrupt replicas. A read that finds a replica missing or corrupt queues the blob
 * for a background heal (one thread, a bounded queue) that re-creates the replicas from an intact copy. The class is
 * thread-safe: concurrent writers of the same content publish identical files atomically, whichever wins.
 * {@link #close()} stops the healer.
 */
public final class BlobStore implements AutoCloseable {

    /** How a read is checked against the blob's SHA-256. */
    public enum ReadCheck {
        /**
         * The replica is hashed before it is returned, unless the verified cache holds a verification younger than
         * {@link BlobStoreSettings#verifiedMaxAge()} for the same size, modification time and inode.
         */
        BEFORE_READ,
        /**
         * The first existing replica is returned unhashed: the caller hashes the whole content as it streams it,
         * withholds the last bytes until the digest matches and calls {@link #reportCorrupt} when it does not.
         */
        WHILE_STREAMING
    }

    private static final Logger log = LoggerFactory.getLogger(BlobStore.class);

    private final BlobStoreSettings settings;
    private final List<Node> nodes;
    private final VerifiedCache verifiedCache;
    /**
     * Placement (which may reuse an existing blob) and garbage deletion of the same id exclude each other, so a
     * put that deduplicates against a blob the collector is about to delete either refreshes it first or writes
     * it anew. Striped: blobs of different stripes never wait for each other.
     */
    private final ReadWriteLock[] stripes = newStripes(256);
    private final ThreadPoolExecutor healer;
    private final Set<String> healPending = ConcurrentHashMap.newKeySet();
    /** Replicas a streaming reader found corrupt: hashed before they are returned again. */
    private final Set<Path> suspects = ConcurrentHashMap.newKeySet();
    private final ReplicaTracker tracker = new ReplicaTracker(ReplicaTracker.DEFAULT_LIMIT);
    private final AtomicLong healsDone = new AtomicLong();
    private final AtomicLong healsDropped = new AtomicLong();
    private final AtomicLong replicasHealed = new AtomicLong();

    /** Opens the store, creating node directories (and their blobs, tmp and quarantine directories) if missing. */
    public BlobStore(BlobStoreSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        List<Node> configured = new ArrayList<>();
        for (int i = 0; i < settings.nodes().size(); i++) {
            configured.add(new Node(settings.nodes().get(i), "node-" + (i + 1), settings.location(i)));
        }
        this.nodes = List.copyOf(configured);
        this.verifiedCache = new VerifiedCache(settings.verifiedCacheEntries(), settings.verifiedMaxAge());
        this.healer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.healQueueCapacity()), runnable -> {
                    Thread thread = new Thread(runnable, "blob-heal");
                    thread.setDaemon(true);
                    return thread;
                });
        for (Node node : nodes) {
            try {
                node.initialize();
            } catch (IOException e) {
                log.warn("Node {} cannot be initialized and is down: {}", node, e.toString());
            }
        }
    }

    /**
     * Stores the content of {@code in} (read to its end, never closed here).
     *
     * @param maxBytes          the most bytes accepted; one more and the put fails with TOO_LARGE without reading on
     * @param expectedSha256Hex the digest the client announced (lowercase hex), or null
     * @throws BlobStoreException TOO_LARGE, DIGEST_MISMATCH, INVALID_ID (malformed expected digest), UNAVAILABLE (no
     *                            node could take it) or IO (reading the input or writing failed); nothing is kept
     */
    public PutResult put(InputStream in, long maxBytes, String expectedSha256Hex) {
        Objects.requireNonNull(in, "in");
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0, was " + maxBytes);
        }
        if (expectedSha256Hex != null) {
            BlobIds.require(expectedSha256Hex);
        }
        Node staging = stagingNode();
        Path tmp = null;
        try {
            tmp = staging.newTempFile("put-");
            Sha256.Digested content = Sha256.receive(in, tmp, maxBytes, settings.fsync());
            if (expectedSha256Hex != null && !expectedSha256Hex.equals(content.sha256())) {
                throw new BlobStoreException(Reason.DIGEST_MISMATCH, "the content's SHA-256 is " + content.sha256()
                        + ", the expected one " + expectedSha256Hex);
            }
            return place(content.sha256(), content.size(), tmp);
        } catch (Sha256.TooLargeException e) {
            throw new BlobStoreException(Reason.TOO_LARGE, "the content is larger than " + maxBytes + " bytes");
        } catch (IOException e) {
            throw new BlobStoreException(Reason.IO, "storing a blob failed: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                deleteQuietly(tmp);
            }
        }
    }

    /**
     * Finds an intact replica: in rendezvous order, skipping (and quarantining) corrupt ones.
     *
     * @throws BlobStoreException INVALID_ID, NOT_FOUND (no replica exists), CORRUPT (every replica was corrupt) or
     *                            OFFLINE (not on any node that is up, and a node is down)
     */
    public ReadableBlob open(String sha256) {
        return open(sha256, ReadCheck.BEFORE_READ);
    }

    /**
     * Finds a replica to read, checked as {@code check} says. A replica found missing or corrupt on the way queues the
     * blob for a background heal.
     *
     * @throws BlobStoreException INVALID_ID, NOT_FOUND (no replica exists), CORRUPT (every replica was corrupt) or
     *                            OFFLINE (not on any node that is up, and a node is down)
     */
    public ReadableBlob open(String sha256, ReadCheck check) {
        String id = BlobIds.require(sha256);
        Objects.requireNonNull(check, "check");
        int corrupt = 0;
        int readErrors = 0;
        boolean nodeDown = false;
        for (Node node : Node.rendezvousOrder(nodes, id)) {
            Path path = node.blobPath(id);
            Optional<BasicFileAttributes> attributes = attributes(path);
            if (attributes.isEmpty()) {
                nodeDown |= !node.isReadable();
                continue;
            }
            try {
                boolean streamed = check == ReadCheck.WHILE_STREAMING && attributes.get().isRegularFile()
                        && !suspects.contains(path);
                if (streamed || verifiedCache.isVerified(path, attributes.get())
                        || verify(node, id, path, attributes.get())) {
                    if (corrupt > 0 || readErrors > 0 || replicaCount(id) < settings.replicationFactor()) {
                        heal(id);
                    }
                    return new ReadableBlob(id, attributes.get().size(), path);
                }
                corrupt++;
            } catch (NoSuchFileException e) {
                // deleted or quarantined meanwhile: try the next replica
            } catch (IOException e) {
                readErrors++;
                log.warn("Cannot read replica {}: {}", path, e.toString());
            }
        }
        if (corrupt > 0 || (!nodeDown && readErrors == 0)) {
            tracker.record(id, 0, settings.replicationFactor(), false);
        }
        throw missing(id, corrupt, readErrors, nodeDown);
    }

    /**
     * Reports that a replica returned by {@link #open(String, ReadCheck)} did not hash to its id while it was streamed:
     * it is not returned unhashed again, and a background heal quarantines it and re-creates it from an intact copy.
     */
    public void reportCorrupt(ReadableBlob blob, String actualSha256) {
        Objects.requireNonNull(blob, "blob");
        log.error("Replica {} streamed with SHA-256 {} instead of {}", blob.path(), actualSha256, blob.sha256());
        verifiedCache.forget(blob.path());
        suspects.add(blob.path());
        heal(blob.sha256());
    }

    /**
     * Queues a background check of every replica of the blob that quarantines corrupt ones and adds replicas until it
     * is on R nodes. A blob already queued is not queued twice; when the queue is full the request is dropped (and
     * counted): the next read or scrub finds the blob again.
     */
    public void heal(String sha256) {
        String id = BlobIds.require(sha256);
        if (!healPending.add(id)) {
            return;
        }
        try {
            healer.execute(() -> {
                try {
                    Check check = check(id);
                    replicasHealed.addAndGet(check.result().addedReplicas());
                    healsDone.incrementAndGet();
                } catch (RuntimeException e) {
                    log.warn("Healing blob {} failed: {}", id, e.toString());
                } finally {
                    healPending.remove(id);
                }
            });
        } catch (RejectedExecutionException e) {
            healPending.remove(id);
            healsDropped.incrementAndGet();
            log.warn("Heal queue full ({} blobs) or closed: blob {} is left to the next read or scrub",
                    settings.healQueueCapacity(), id);
        }
    }

    /** Blobs known (since start, or from the last scrub) to have fewer than R intact replicas, and heal counters. */
    public StorageHealth health() {
        return new StorageHealth(tracker.underReplicatedCount(), tracker.unrecoverableCount(),
                tracker.unrecoverable(100), healPending.size(), healsDone.get(), replicasHealed.get(),
                healsDropped.get());
    }

    /** Seeds what {@link #health()} reports with the findings of a scrub run before a restart. */
    public void rememberFindings(List<String> underReplicated, List<String> unrecoverable) {
        underReplicated.forEach(id -> tracker.record(BlobIds.require(id), 1, 2, false));
        unrecoverable.forEach(id -> tracker.record(BlobIds.require(id), 0, 1, false));
    }

    /** Stops the background healer; queued heals are abandoned (the next read or scrub finds them again). */
    @Override
    public void close() {
        healer.shutdownNow();
        try {
            healer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits (for tests and orderly shutdown) until no heal is queued or running, at most {@code timeout}. */
    public boolean awaitHealed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!healPending.isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private int replicaCount(String id) {
        int count = 0;
        for (Node node : nodes) {
            if (Files.isRegularFile(node.blobPath(id))) {
                count++;
            }
        }
        return count;
    }

    /** Whether any node holds a replica of the blob (not verified). */
    public boolean contains(String sha256) {
        String id = BlobIds.require(sha256);
        return nodes.stream().anyMatch(node -> Files.isRegularFile(node.blobPath(id)));
    }

    /**
     * Removes every replica (for garbage collection). Replicas on nodes that are down stay and will be listed again
     * when the node returns.
     *
     * @throws BlobStoreException IO when an existing replica could not be removed (the others are removed)
     */
    public void delete(String sha256) {
        String id = BlobIds.require(sha256);
        IOException failure = null;
        for (Node node : nodes) {
            Path path = node.blobPath(id);
            verifiedCache.forget(path);
            suspects.remove(path);
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                failure = e;
                log.warn("Cannot delete replica {}: {}", path, e.toString());
            }
            if (!node.isReadable()) {
                log.warn("Node {} is down; a replica of {} it may hold is not deleted", node, id);
            }
        }
        tracker.forget(id);
        if (failure != null) {
            throw new BlobStoreException(Reason.IO, "could not delete every replica of " + id, failure);
        }
    }

    /**
     * Deletes every replica of the blob if none of them was written or reused (a deduplicating put refreshes the
     * modification time) after {@code idleSince}; for garbage collection of blobs no file references. Atomic with
     * respect to concurrent puts of the same content.
     *
     * @return whether the blob was deleted
     */
    public boolean deleteIfIdleSince(String sha256, Instant idleSince) {
        String id = BlobIds.require(sha256);
        ReadWriteLock stripe = stripe(id);
        stripe.writeLock().lock();
        try {
            for (Node node : nodes) {
                Optional<BasicFileAttributes> attributes = attributes(node.blobPath(id));
                if (attributes.isPresent() && !attributes.get().lastModifiedTime().toInstant().isBefore(idleSince)) {
                    return false;
                }
            }
            delete(id);
            return true;
        } finally {
            stripe.writeLock().unlock();
        }
    }

    private ReadWriteLock stripe(String id) {
        return stripes[Integer.parseInt(id.substring(0, 2), 16) % stripes.length];
    }

    private static ReadWriteLock[] newStripes(int count) {
        ReadWriteLock[] locks = new ReadWriteLock[count];
        for (int i = 0; i < count; i++) {
            locks[i] = new ReentrantReadWriteLock();
        }
        return locks;
    }

    /**
     * The distinct ids of all blobs on all nodes, in ascending order, streamed from the directories (memory does not
     * grow with the number of blobs). The caller closes the stream.
     */
    public Stream<String> list() {
        return BlobListing.of(nodes);
    }

    /**
     * Verifies every replica of every blob (ignoring the verified cache), quarantines corrupt ones and writes missing
     * replicas until each blob is on R nodes (its home nodes first). Replicas beyond R are left in place.
     */
    public ScrubReport scrub() {
        long blobs = 0;
        long verified = 0;
        long quarantined = 0;
        long added = 0;
        long underReplicated = 0;
        long errors = 0;
        List<String> lost = new ArrayList<>();
        try (Stream<String> ids = list()) {
            Iterator<String> iterator = ids.iterator();
            while (iterator.hasNext()) {
                String id = iterator.next();
                Check check;
                try {
                    check = check(id);
                } catch (BlobStoreException e) {
                    errors++;
                    log.warn("Scrub could not check blob {}: {}", id, e.getMessage());
                    continue;
                }
                RepairResult result = check.result();
                if (result.verifiedReplicas() == 0 && result.quarantinedReplicas() == 0 && check.readErrors() == 0) {
                    continue; // deleted since it was listed
                }
                blobs++;
                verified += result.verifiedReplicas();
                quarantined += result.quarantinedReplicas();
                added += result.addedReplicas();
                if (check.readErrors() > 0) {
                    errors++;
                }
                if (result.replicas() == 0) {
                    if (result.quarantinedReplicas() > 0) {
                        lost.add(id);
                        log.error("Blob {} is lost: every replica was corrupt and has been quarantined", id);
                    }
                } else if (result.replicas() < settings.replicationFactor()) {
                    underReplicated++;
                }
            }
        }
        ScrubReport report = new ScrubReport(blobs, verified, quarantined, added, underReplicated, lost, errors);
        if (report.healthy()) {
            log.info("Scrub done: {}", report);
        } else {
            log.warn("Scrub done with problems: {}", report);
        }
        return report;
    }

    /**
     * {@link #scrub()} for one blob.
     *
     * @throws BlobStoreException INVALID_ID, NOT_FOUND, CORRUPT (no intact replica left), OFFLINE or IO as for
     *                            {@link #open}
     */
    public RepairResult repair(String sha256) {
        String id = BlobIds.require(sha256);
        Check check = check(id);
        RepairResult result = check.result();
        if (result.replicas() == 0) {
            throw missing(id, result.quarantinedReplicas(), check.readErrors(), check.nodeDown());
        }
        return result;
    }

    /** How many intact replicas each blob should have. */
    public int replicationFactor() {
        return settings.replicationFactor();
    }

    /** The nodes in configuration order. */
    public List<NodeStatus> nodes() {
        return nodes.stream().map(node -> {
            boolean up = node.isUp();
            String state = !up ? "down" : node.isDraining() ? "draining" : node.isReadOnly() ? "read-only" : "up";
            return new NodeStatus(node.id, node.root, up, up ? node.usableBytes() : 0, node.name, node.location,
                    state, up ? node.root.toFile().getTotalSpace() : 0, node.errors.get());
        }).toList();
    }

    /**
     * Blobs and their bytes on one node, counted by walking its {@code blobs} directory (as long as the listing of
     * that node takes).
     *
     * @throws BlobStoreException NOT_FOUND when no node has that name
     */
    public NodeUsage usage(String name) {
        Node node = node(name);
        long count = 0;
        long bytes = 0;
        try (Stream<String> ids = BlobListing.of(List.of(node))) {
            Iterator<String> iterator = ids.iterator();
            while (iterator.hasNext()) {
                Optional<BasicFileAttributes> attributes = attributes(node.blobPath(iterator.next()));
                if (attributes.isPresent()) {
                    count++;
                    bytes += attributes.get().size();
                }
            }
        }
        return new NodeUsage(count, bytes);
    }

    /**
     * Sets an administrator's state on a node: {@code readOnly} (it is read but takes no new replicas, for a full or
     * failing disk) and {@code draining} (the same, and {@link #drain} copies its blobs to the other nodes). Both
     * are marker files in the node directory, so they survive restarts.
     *
     * @throws BlobStoreException NOT_FOUND when no node has that name, OFFLINE when the node is down, IO
     */
    public NodeStatus setState(String name, boolean readOnly, boolean draining) {
        Node node = node(name);
        if (!node.isUp()) {
            throw new BlobStoreException(Reason.OFFLINE, "node " + name + " is down");
        }
        try {
            node.mark(Node.READ_ONLY, readOnly);
            node.mark(Node.DRAINING, draining);
        } catch (IOException e) {
            throw new BlobStoreException(Reason.IO, "cannot set the state of node " + name + ": " + e, e);
        }
        log.info("Node {} ({}) is now {}", name, node.root, draining ? "draining" : readOnly ? "read-only" : "up");
        return nodes().get(nodes.indexOf(node));
    }

    /**
     * Copies every blob of a draining node to other nodes until each has R intact replicas outside it (verified
     * copies; nothing is deleted). Idempotent: run it again after a restart and it finds the copies made.
     *
     * @return the blobs examined and the blobs still without R replicas elsewhere (0 means the node can be removed)
     */
    public DrainResult drain(String name) {
        Node node = node(name);
        if (!node.isDraining()) {
            throw new BlobStoreException(Reason.INVALID_STATE, "node " + name + " is not draining");
        }
        long blobs = 0;
        long copied = 0;
        long remaining = 0;
        try (Stream<String> ids = BlobListing.of(List.of(node))) {
            Iterator<String> iterator = ids.iterator();
            while (iterator.hasNext()) {
                String id = iterator.next();
                blobs++;
                Check check = check(id);
                copied += check.result().addedReplicas();
                if (check.effectiveReplicas() < settings.replicationFactor()) {
                    remaining++;
                }
            }
        }
        log.info("Drain of node {}: {} blobs, {} replicas copied, {} still without {} replicas elsewhere", name,
                blobs, copied, remaining, settings.replicationFactor());
        return new DrainResult(name, blobs, copied, remaining);
    }

    private Node node(String name) {
        return nodes.stream().filter(n -> n.name.equals(name)).findFirst()
                .orElseThrow(() -> new BlobStoreException(Reason.NOT_FOUND, "no storage node " + name));
    }

    /**
     * Removes temp files last modified before {@code olderThan} ago: leftovers of crashed writes. A write in progress
     * touches its temp file with every buffer, so {@code olderThan} only needs to exceed the longest client stall.
     *
     * @return how many files were removed
     */
    public int cleanupTemp(Duration olderThan) {
        if (olderThan.isNegative()) {
            throw new IllegalArgumentException("olderThan must not be negative, was " + olderThan);
        }
        FileTime cutoff = FileTime.from(Instant.now().minus(olderThan));
        int removed = 0;
        for (Node node : nodes) {
            if (!Files.isDirectory(node.tmp)) {
                continue;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(node.tmp)) {
                for (Path file : files) {
                    Optional<BasicFileAttributes> attributes = attributes(file);
                    if (attributes.isPresent() && attributes.get().isRegularFile()
                            && attributes.get().lastModifiedTime().compareTo(cutoff) < 0
                            && Files.deleteIfExists(file)) {
                        removed++;
                    }
                }
            } catch (IOException e) {
                log.warn("Cannot clean up temp files of node {}: {}", node, e.toString());
            }
        }
        if (removed > 0) {
            log.info("Removed {} abandoned temp file(s)", removed);
        }
        return removed;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Where an incoming stream is written while its hash is unknown: the up node with the most usable space. */
    private Node stagingNode() {
        Node best = null;
        long bestUsable = settings.minFreeBytes();
        boolean anyWritable = false;
        for (Node node : nodes) {
            if (node.isWritable()) {
                anyWritable = true;
                long usable = node.usableBytes();
                if (usable > bestUsable) {
                    best = node;
                    bestUsable = usable;
                }
            }
        }
        if (best == null && anyWritable) {
            throw new BlobStoreException(Reason.INSUFFICIENT_STORAGE,
                    "every writable node has less than " + settings.minFreeBytes() + " bytes free");
        }
        if (best == null) {
            throw new BlobStoreException(Reason.UNAVAILABLE, "no node is up and writable");
        }
        return best;
    }

    /** Puts the verified temp file on the blob's first R usable nodes in rendezvous order. */
    private PutResult place(String id, long size, Path tmp) {
        ReadWriteLock stripe = stripe(id);
        stripe.readLock().lock();
        try {
            return placeLocked(id, size, tmp);
        } finally {
            stripe.readLock().unlock();
        }
    }

    private PutResult placeLocked(String id, long size, Path tmp) {
        int replicationFactor = settings.replicationFactor();
        int placed = 0;
        boolean existed = false;
        boolean tmpMoved = false;
        Path source = tmp;
        IOException lastFailure = null;
        boolean full = false;
        for (Node node : Node.placementOrder(nodes, id)) {
            if (placed == replicationFactor) {
                break;
            }
            if (!node.isWritable()) {
                log.debug("Node {} is down, read-only or draining, skipped for blob {}", node, id);
                continue;
            }
            Path target = node.blobPath(id);
            try {
                if (hasReplicaOfSize(node, target, size)) {
                    touch(target);
                    existed = true;
                    placed++;
                    continue;
                }
                if (!hasRoomFor(node, size)) {
                    log.debug("Node {} is full, skipped for blob {}", node, id);
                    full = true;
                    continue;
                }
                if (!tmpMoved) {
                    try {
                        publish(tmp, target);
                        tmpMoved = true;
                        source = target;
                        placed++;
                        continue;
                    } catch (AtomicMoveNotSupportedException e) {
                        log.debug("Node {} is on another file system than the staged file, copying", node);
                    }
                }
                copyVerified(source, node, id, size, target);
                placed++;
            } catch (IOException e) {
                lastFailure = e;
                node.errors.incrementAndGet();
                log.warn("Cannot write a replica of blob {} to node {}: {}", id, node, e.toString());
            }
        }
        if (placed == 0 && full && lastFailure == null) {
            throw new BlobStoreException(Reason.INSUFFICIENT_STORAGE,
                    "no node has room for blob " + id + " (" + size + " bytes) and " + settings.minFreeBytes()
                            + " bytes to spare");
        }
        if (placed == 0) {
            throw new BlobStoreException(Reason.UNAVAILABLE,
                    "no node could take blob " + id + " (" + size + " bytes)", lastFailure);
        }
        if (placed < replicationFactor) {
            log.warn("Blob {} stored on {} of {} nodes; scrub or repair adds the missing replicas", id, placed,
                    replicationFactor);
        }
        // what a read or scrub found missing before is there again (a restore copies lost blobs back this way)
        tracker.record(id, placed, replicationFactor, false);
        return new PutResult(id, size, placed, existed);
    }

    private boolean hasReplicaOfSize(Node node, Path target, long size) {
        Optional<BasicFileAttributes> attributes = attributes(target);
        if (attributes.isEmpty()) {
            return false;
        }
        if (attributes.get().isRegularFile() && attributes.get().size() == size) {
            return true;
        }
        quarantine(node, target, attributes.get(),
                "size " + attributes.get().size() + " where the content has " + size + " bytes");
        return false;
    }

    private boolean hasRoomFor(Node node, long size) {
        return node.usableBytes() - size >= settings.minFreeBytes();
    }

    /**
     * Copies an intact replica (or the staged file) to a node through a temp file on that node, verifying the hash of
     * what was copied, then publishes it.
     */
    private void copyVerified(Path source, Node node, String id, long size, Path target) throws IOException {
        Path staged = node.newTempFile("copy-");
        try {
            Sha256.Digested copy = Sha256.copy(source, staged, settings.fsync());
            if (!copy.sha256().equals(id) || copy.size() != size) {
                throw new IOException("copy of " + source + " has SHA-256 " + copy.sha256() + " and " + copy.size()
                        + " bytes, expected " + id + " and " + size + " bytes");
            }
            publish(staged, target);
        } finally {
            deleteQuietly(staged);
        }
    }

    /**
     * Atomically moves a complete, verified file to its final path. Where the platform refuses to replace an existing file,
     * the existing one (written by a concurrent writer of the same content) is kept.
     */
    private void publish(Path staged, Path target) throws IOException {
        Path leaf = target.getParent();
        if (!Files.isDirectory(leaf)) {
            Files.createDirectories(leaf);
            if (settings.fsync()) {
                Node.fsyncDirectory(leaf.getParent());
                Node.fsyncDirectory(leaf.getParent().getParent());
            }
        }
        try {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            // its content was hashed while it was written: no need to read it again on the first open
            attributes(target).ifPresent(written -> verifiedCache.markVerified(target, written));
        } catch (FileAlreadyExistsException e) {
            log.debug("{} was published concurrently", target);
        }
        if (settings.fsync()) {
            Node.fsyncDirectory(leaf);
        }
    }

    /** @param effectiveReplicas intact replicas on nodes that are not draining */
    record Check(RepairResult result, int readErrors, boolean nodeDown, long bytesRead, int effectiveReplicas) {
    }

    /** Verifies every replica of a blob and adds replicas until it is on R nodes. */
    Check check(String id) {
        Check check = checkReplicas(id);
        RepairResult result = check.result();
        int counted = result.replicas() == 0 ? 0 : Math.max(1, check.effectiveReplicas());
        tracker.record(id, counted, settings.replicationFactor(),
                result.replicas() == 0 && result.quarantinedReplicas() == 0 && check.nodeDown());
        return check;
    }

    private Check checkReplicas(String id) {
        List<Node> order = Node.placementOrder(nodes, id);
        Set<Node> intact = new HashSet<>();
        Path intactPath = null;
        long size = -1;
        int corrupt = 0;
        int readErrors = 0;
        long bytesRead = 0;
        boolean nodeDown = false;
        for (Node node : order) {
            Path path = node.blobPath(id);
            Optional<BasicFileAttributes> attributes = attributes(path);
            if (attributes.isEmpty()) {
                nodeDown |= !node.isReadable();
                continue;
            }
            bytesRead += attributes.get().size();
            suspects.remove(path);
            try {
                if (verify(node, id, path, attributes.get())) {
                    intact.add(node);
                    if (intactPath == null) {
                        intactPath = path;
                        size = attributes.get().size();
                    }
                } else {
                    corrupt++;
                }
            } catch (NoSuchFileException e) {
                // deleted meanwhile
            } catch (IOException e) {
                readErrors++;
                node.errors.incrementAndGet();
                log.warn("Cannot read replica {}: {}", path, e.toString());
            }
        }
        int verified = intact.size();
        if (verified == 0) {
            return new Check(new RepairResult(id, 0, corrupt, 0, 0), readErrors, nodeDown, bytesRead, 0);
        }
        int added = 0;
        int placed = 0;
        for (Node node : order) {
            if (placed == settings.replicationFactor()) {
                break;
            }
            if (intact.contains(node) && !node.isDraining()) {
                placed++;
                continue;
            }
            if (intact.contains(node) || !node.isWritable() || !hasRoomFor(node, size)) {
                continue;
            }
            try {
                copyVerified(intactPath, node, id, size, node.blobPath(id));
                placed++;
                added++;
                log.info("Added a replica of blob {} on node {}", id, node);
            } catch (IOException e) {
                node.errors.incrementAndGet();
                log.warn("Cannot add a replica of blob {} on node {}: {}", id, node, e.toString());
            }
        }
        int replicas = verified + added;
        if (replicas < settings.replicationFactor()) {
            log.warn("Blob {} has {} of {} replicas: not enough nodes are up with room", id, replicas,
                    settings.replicationFactor());
        }
        return new Check(new RepairResult(id, verified, corrupt, added, replicas), readErrors, nodeDown, bytesRead,
                placed);
    }

    /** Hashes a replica; an intact one is remembered, a corrupt one quarantined. */
    private boolean verify(Node node, String id, Path path, BasicFileAttributes attributes) throws IOException {
        if (!attributes.isRegularFile()) {
            quarantine(node, path, attributes, "not a regular file");
            return false;
        }
        Sha256.Digested digested = Sha256.of(path);
        if (digested.sha256().equals(id)) {
            verifiedCache.markVerified(path, attributes);
            return true;
        }
        quarantine(node, path, attributes, "its content has SHA-256 " + digested.sha256());
        return false;
    }

    /**
     * Moves a corrupt replica out of the way into its node's quarantine directory, unless it was replaced since it was
     * examined (a concurrent writer may just have published an intact copy).
     */
    private void quarantine(Node node, Path path, BasicFileAttributes examined, String why) {
        verifiedCache.forget(path);
        node.errors.incrementAndGet();
        try {
            BasicFileAttributes now = Files.readAttributes(path, BasicFileAttributes.class);
            if (!sameFile(examined, now)) {
                log.info("Replica {} changed after it was examined, not quarantined", path);
                return;
            }
            Files.createDirectories(node.quarantine);
            Path destination = node.quarantine.resolve(path.getFileName() + "." + System.currentTimeMillis() + "."
                    + Integer.toHexString(ThreadLocalRandom.current().nextInt()));
            Files.move(path, destination, StandardCopyOption.ATOMIC_MOVE);
            log.error("Corrupt replica {} ({}) moved to {}", path, why, destination);
        } catch (NoSuchFileException e) {
            log.debug("Corrupt replica {} is already gone", path);
        } catch (IOException e) {
            log.error("Corrupt replica {} ({}) could not be quarantined: {}", path, why, e.toString());
        }
    }

    private static boolean sameFile(BasicFileAttributes a, BasicFileAttributes b) {
        return a.size() == b.size()
                && a.lastModifiedTime().equals(b.lastModifiedTime())
                && Objects.equals(a.fileKey(), b.fileKey());
    }

    private static BlobStoreException missing(String id, int corrupt, int readErrors, boolean nodeDown) {
        if (corrupt > 0) {
            return new BlobStoreException(Reason.CORRUPT,
                    "every replica of blob " + id + " is corrupt (" + corrupt + " quarantined)");
        }
        if (readErrors > 0) {
            return new BlobStoreException(Reason.IO, "no replica of blob " + id + " could be read");
        }
        if (nodeDown) {
            return new BlobStoreException(Reason.OFFLINE,
                    "blob " + id + " is on none of the nodes that are up, and a node is down");
        }
        return new BlobStoreException(Reason.NOT_FOUND, "no blob " + id);
    }

    /** Marks an existing replica as freshly wanted, so a garbage collector's grace period starts again. */
    private static void touch(Path replica) {
        try {
            Files.setLastModifiedTime(replica, FileTime.from(Instant.now()));
        } catch (IOException e) {
            log.debug("Cannot touch {}: {}", replica, e.toString());
        }
    }

    private static Optional<BasicFileAttributes> attributes(Path path) {
        try {
            return Optional.of(Files.readAttributes(path, BasicFileAttributes.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Cannot delete temp file {} (cleanupTemp removes it later): {}", file, e.toString());
        }
    }
}
