package io.filestore.blob;

import io.filestore.blob.BlobStoreException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
import java.util.concurrent.atomic.AtomicLongArray;
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
         * {@link BlobStoreSettings#verifiedMaxAge()} for the same size, modification time and inode. An encrypted
         * replica is not hashed first (unless it was reported corrupt): every segment a reader gets was authenticated
         * by its AEAD tag, and a failing one ends the stream with an exception before any of its bytes.
         */
        BEFORE_READ,
        /**
         * The first existing replica is returned without hashing it first. When the verified cache vouches for it
         * (as for {@link #BEFORE_READ}), it is {@link ReadableBlob#checked()}. Otherwise the caller hashes the whole
         * content as it streams it, withholds the last bytes until the digest matches, and calls
         * {@link #reportIntact} when it does ({@link #reportCorrupt} when it does not).
         */
        WHILE_STREAMING
    }

    private static final Logger log = LoggerFactory.getLogger(BlobStore.class);

    private final BlobStoreSettings settings;
    /** Encrypts new blobs (when enabled) and decrypts encrypted replicas; {@link BlobEncryption#none()} otherwise. */
    private final BlobEncryption encryption;
    /** Replaced as a whole when a node is added or removed at runtime (readers see one list or the other). */
    private volatile List<Node> nodes;
    private final VerifiedCache verifiedCache;
    /**
     * Placement (which may reuse an existing blob) and garbage deletion of the same id exclude each other, so a
     * put that deduplicates against a blob the collector is about to delete either refreshes it first or writes
     * it anew. Striped: blobs of different stripes never wait for each other.
     */
    private final ReadWriteLock[] stripes = newStripes(256);
    private final ThreadPoolExecutor healer;
    private final Set<String> healPending = ConcurrentHashMap.newKeySet();
    /** Replicas (their {@link Replica#key()}) a streaming reader found corrupt: hashed before they are returned again. */
    private final Set<String> suspects = ConcurrentHashMap.newKeySet();
    private final ReplicaTracker tracker = new ReplicaTracker(ReplicaTracker.DEFAULT_LIMIT);
    private final AtomicLong healsDone = new AtomicLong();
    private final AtomicLong healsDropped = new AtomicLong();
    private final AtomicLong replicasHealed = new AtomicLong();

    /**
     * Opens a store without encryption (plaintext writes; encrypted replicas cannot be read), creating node
     * directories (and their blobs, tmp and quarantine directories) if missing.
     */
    public BlobStore(BlobStoreSettings settings) {
        this(settings, BlobEncryption.none());
    }

    /** Opens the store with encryption at rest as {@code encryption} says (see {@link BlobEncryption#load}). */
    public BlobStore(BlobStoreSettings settings, BlobEncryption encryption) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.encryption = Objects.requireNonNull(encryption, "encryption");
        List<Node> configured = new ArrayList<>();
        for (int i = 0; i < settings.nodes().size(); i++) {
            configured.add(new DirectoryNode(settings.nodes().get(i), "node-" + (i + 1), settings.location(i)));
        }
        for (S3NodeSettings s3 : settings.s3Nodes()) {
            configured.add(new S3Node(s3, "node-" + (configured.size() + 1)));
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
            if (node instanceof DirectoryNode directory && directory.isWritable()) {
                encryption.checkNode(directory.root); // a wrong master key stops here
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
        Path tmp = null;
        try {
            Staged staged = stage("put-");
            tmp = staged.file();
            // encrypted while it is staged: plaintext never reaches a node's disk
            Sha256.Digested content = encryption.encryptsNewBlobs()
                    ? encryption.receive(in, tmp, maxBytes, settings.fsync())
                    : Sha256.receive(in, tmp, maxBytes, settings.fsync());
            if (expectedSha256Hex != null && !expectedSha256Hex.equals(content.sha256())) {
                throw new BlobStoreException(Reason.DIGEST_MISMATCH, "the content's SHA-256 is " + content.sha256()
                        + ", the expected one " + expectedSha256Hex);
            }
            return place(content.sha256(), content.size(), Files.size(tmp), tmp);
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

    /** The store's encryption at rest: its master keys, rotation and retirement. */
    public BlobEncryption encryption() {
        return encryption;
    }

    /** What a re-wrap did to a blob's replicas. */
    public record RewrapResult(int rewrapped, int current, int plaintext, int encrypted, int failed) {
    }

    /**
     * Makes the data key of every encrypted replica of a blob wrapped by the primary master key alone
     * ({@link BlobEncryption#rewrap}): a file's header is rewritten in place; an object in an S3 bucket, which cannot
     * be changed in place, is copied to staging, re-wrapped there and uploaded again whole over itself (an atomic
     * overwrite; its ciphertext is unchanged, so a reader in the middle of it reads on undisturbed). A replica whose
     * header opens with no key is counted as failed (and healed).
     */
    public RewrapResult rewrap(String sha256, Runnable slotWritten) {
        String id = BlobIds.require(sha256);
        int rewrapped = 0;
        int current = 0;
        int plaintext = 0;
        int encrypted = 0;
        int failed = 0;
        for (Node node : nodes) {
            Optional<Replica> found;
            try {
                found = node.replica(id);
            } catch (IOException e) {
                failed++;
                continue;
            }
            if (found.isEmpty()) {
                continue;
            }
            Replica replica = found.get();
            try {
                BlobEncryption.Rewrap outcome = replica.regular() && replica.path() != null
                        ? encryption.rewrap(replica.path(), id, slotWritten)
                        : rewrapObject(node, replica, slotWritten);
                if (outcome == BlobEncryption.Rewrap.PLAINTEXT && encryption.encryptsNewBlobs()
                        && encryptInPlace(node, replica)) {
                    encrypted++;
                    continue;
                }
                switch (outcome) {
                    case PLAINTEXT -> plaintext++;
                    case CURRENT -> current++;
                    case REWRAPPED -> rewrapped++;
                }
            } catch (NoSuchFileException e) {
                // deleted or quarantined meanwhile
            } catch (IOException e) {
                failed++;
                log.warn("Cannot re-wrap the data key of the replica of {} on {}: {}", id, node, e.getMessage());
                heal(id);
            }
        }
        return new RewrapResult(rewrapped, current, plaintext, encrypted, failed);
    }

    // --- encrypting plaintext replicas in place ---------------------------------------------------------------------

    /**
     * How long after a read resolved a blob's replicas (found them and their format) its plaintext replicas are not
     * replaced by encrypted ones: a reader opens the file (or sends the GET) right after it resolved it, well within
     * this, and a file it opened is not disturbed by a rename.
     */
    static final long REPLACE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long NEVER = Long.MIN_VALUE;
    /** When a read last resolved a blob, per hash bucket of its id (a collision only delays a replacement). */
    private final AtomicLongArray resolvedAt = newResolvedAt(4096);
    /** Blobs whose plaintext replica is being replaced: reads wait for it. */
    private final Set<String> replacing = ConcurrentHashMap.newKeySet();

    private static AtomicLongArray newResolvedAt(int buckets) {
        AtomicLongArray array = new AtomicLongArray(buckets);
        for (int i = 0; i < buckets; i++) {
            array.set(i, NEVER);
        }
        return array;
    }

    private int bucket(String id) {
        return Math.floorMod(id.hashCode(), resolvedAt.length());
    }

    /**
     * Called before a read resolves a blob's replicas: notes the time (a replacement that starts later sees it and
     * waits its turn), then waits while a replacement that started earlier is under way (the read then finds the new
     * replica). Together they never let a reader take a plaintext file's name and get the encrypted file.
     */
    private void resolving(String id) {
        resolvedAt.set(bucket(id), System.nanoTime());
        if (replacing.contains(id)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (replacing.contains(id) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Replaces a plaintext replica with an encrypted one: the content is encrypted (and hashed) into a temp file on
     * the same node (or staging, for an object), then, unless a read resolved the blob within the grace period, moved
     * over the replica in one atomic rename (an object: uploaded over itself). Killed at any point, the replica is
     * either the old plaintext file or the new encrypted one.
     *
     * @return whether it was replaced (false: a read resolved it recently; the next run tries again)
     */
    private boolean encryptInPlace(Node node, Replica replica) throws IOException {
        String id = replica.sha256();
        Path tmp = node instanceof DirectoryNode directory ? directory.newTempFile("encrypt-") : stage("encrypt-").file();
        try {
            Sha256.Digested content;
            try (InputStream in = node.open(replica, 0, replica.size())) {
                content = encryption.receive(in, tmp, replica.size(), settings.fsync());
            } catch (Sha256.TooLargeException e) {
                throw new IOException("the replica of " + id + " on " + node + " grew while it was encrypted", e);
            }
            if (!content.sha256().equals(id) || content.size() != replica.size()) {
                throw new IOException("the plaintext replica of " + id + " on " + node + " hashes to "
                        + content.sha256() + ": not encrypted (left to the scrub)");
            }
            ReadWriteLock stripe = stripe(id);
            stripe.writeLock().lock(); // no put reuses the replica while it is replaced
            replacing.add(id);
            try {
                long resolved = resolvedAt.get(bucket(id));
                if (resolved != NEVER && System.nanoTime() - resolved < REPLACE_GRACE_NANOS) {
                    return false;
                }
                Optional<Replica> now = node.replica(id);
                if (now.isEmpty() || !now.get().sameAs(replica)) {
                    return false; // changed meanwhile (healed, quarantined, deleted)
                }
                if (node instanceof DirectoryNode directory) {
                    directory.replace(tmp, id, settings.fsync());
                } else {
                    node.write(id, Files.size(tmp), tmp, settings.fsync());
                }
                verifiedCache.forget(replica.key());
                return true;
            } finally {
                replacing.remove(id);
                stripe.writeLock().unlock();
            }
        } finally {
            deleteQuietly(tmp);
        }
    }

    /**
     * Copies a replica's stored bytes as they are (an encrypted one: header and ciphertext) into {@code target}
     * (created or truncated), forced to disk when {@code force}.
     */
    private static void copyStored(Node node, Replica replica, Path target, boolean force) throws IOException {
        try (InputStream in = node.open(replica, 0, replica.size());
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            in.transferTo(Channels.newOutputStream(out));
            if (force) {
                out.force(true);
            }
        }
    }

    /** Re-wraps an object's data key through a staging copy, then uploads the copy over the object. */
    private BlobEncryption.Rewrap rewrapObject(Node node, Replica replica, Runnable slotWritten) throws IOException {
        Path tmp = stage("rewrap-").file();
        try {
            copyStored(node, replica, tmp, false);
            BlobEncryption.Rewrap outcome = encryption.rewrap(tmp, replica.sha256(), () -> { });
            if (outcome == BlobEncryption.Rewrap.REWRAPPED) {
                node.write(replica.sha256(), Files.size(tmp), tmp, settings.fsync());
                slotWritten.run();
            }
            return outcome;
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Rewrites the key check values (the data directory's and each directory node's) with the primary key. */
    public void rewriteKeyChecks() throws IOException {
        if (encryption.keyCheck() != null && Files.exists(encryption.keyCheck())) {
            encryption.rewriteKeyCheck(encryption.keyCheck());
        }
        for (Node node : nodes) {
            if (node instanceof DirectoryNode directory && directory.isWritable()) {
                Path check = directory.root.resolve(BlobEncryption.NODE_KEY_CHECK);
                if (Files.exists(check)) {
                    encryption.rewriteKeyCheck(check);
                }
            }
        }
    }

    /**
     * Copies a blob's stored form, as its replica holds it (for an encrypted replica: the header with the wrapped data
     * key, then the ciphertext; never the plaintext), into {@code target} (created or truncated) and checks the copy:
     * an encrypted copy is decrypted (every AEAD tag authenticated) and hashed, a plaintext one hashed. A replica whose
     * copy does not check out is skipped (and healed in the background) for the next one. The copy is forced to disk.
     * Backups use this: they hold what the nodes hold, and restoring them needs the master key.
     *
     * @return the plaintext content's size
     * @throws BlobStoreException NOT_FOUND, CORRUPT (no replica checked out) or OFFLINE (a node that may hold it is
     *                            down)
     * @throws IOException        writing the target failed
     */
    public long exportStored(String sha256, Path target) throws IOException {
        String id = BlobIds.require(sha256);
        Objects.requireNonNull(target, "target");
        resolving(id);
        boolean found = false;
        boolean nodeDown = false;
        for (Node node : Node.rendezvousOrder(nodes, id)) {
            Optional<Replica> replica;
            try {
                replica = node.replica(id);
            } catch (IOException e) {
                nodeDown = true;
                continue;
            }
            if (replica.isEmpty()) {
                continue;
            }
            found = true;
            copyStored(node, replica.get(), target, true);
            try {
                Sha256.Digested content = encryption.digest(target, id);
                if (content.sha256().equals(id)) {
                    return content.size();
                }
                log.warn("The replica of {} on {} hashes to {}: not exported, healed", id, node, content.sha256());
            } catch (IOException e) {
                log.warn("The replica of {} on {} does not check out ({}): not exported, healed", id, node,
                        e.getMessage());
            }
            heal(id);
        }
        if (!found) {
            throw new BlobStoreException(nodeDown ? Reason.OFFLINE : Reason.NOT_FOUND, "blob " + id
                    + (nodeDown ? " is on no node that is up" : " has no replica"));
        }
        throw new BlobStoreException(Reason.CORRUPT, "no replica of blob " + id + " checks out");
    }

    /**
     * Stores a blob from a copy of its stored form ({@link #exportStored}) without changing it: an encrypted copy
     * stays encrypted under its own data key (its wrapped key must open with this store's master key), a plaintext
     * copy stays plaintext. The copy is checked against the id first; {@code copy} itself is left in place.
     *
     * @throws BlobStoreException DIGEST_MISMATCH (the copy is not that blob, or its ciphertext or wrapped key does not
     *                            authenticate: e.g. another master key), UNAVAILABLE or IO
     */
    public PutResult importStored(Path copy, String sha256) {
        String id = BlobIds.require(sha256);
        Path tmp = null;
        try {
            Staged staged = stage("import-");
            tmp = staged.file();
            Files.copy(copy, tmp, StandardCopyOption.REPLACE_EXISTING);
            Sha256.Digested content;
            try {
                content = encryption.digest(tmp, id);
            } catch (IOException e) {
                throw new BlobStoreException(Reason.DIGEST_MISMATCH, "the stored copy of " + id + " does not check "
                        + "out (" + e.getMessage() + ")");
            }
            if (!content.sha256().equals(id)) {
                throw new BlobStoreException(Reason.DIGEST_MISMATCH, "the stored copy of " + id + " hashes to "
                        + content.sha256());
            }
            if (settings.fsync()) {
                try (FileChannel channel = FileChannel.open(tmp,
                        StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
            return place(id, content.size(), Files.size(tmp), tmp);
        } catch (IOException e) {
            throw new BlobStoreException(Reason.IO, "importing blob " + id + " failed: " + e.getMessage(), e);
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
        resolving(id);
        int corrupt = 0;
        int readErrors = 0;
        boolean nodeDown = false;
        for (Node node : Node.rendezvousOrder(nodes, id)) {
            Optional<Replica> found;
            try {
                found = node.replica(id);
            } catch (IOException e) {
                nodeDown = true; // an object store that does not answer: the blob may be there
                log.debug("Cannot look for blob {} on node {}: {}", id, node, e.toString());
                continue;
            }
            if (found.isEmpty()) {
                nodeDown |= !node.isReadable();
                continue;
            }
            Replica replica = found.get();
            try {
                BlobEncryption.Format format = replica.regular() ? encryption.format(replica)
                        : BlobEncryption.Format.PLAIN;
                // an encrypted replica is checked segment by segment as it is read (each segment's AEAD tag, under a
                // data key that unwraps only for this blob's hash and size): no whole-replica hash before a range
                boolean trusted = verifiedCache.isVerified(replica);
                boolean streamed = !trusted && (check == ReadCheck.WHILE_STREAMING || format.encrypted())
                        && replica.regular() && !suspects.contains(replica.key());
                if (streamed || trusted || verify(replica)) {
                    if (corrupt > 0 || readErrors > 0 || nodeDown || replicaCount(id) < settings.replicationFactor()) {
                        heal(id);
                    }
                    if (format.encrypted()) {
                        return new ReadableBlob(id, format.plaintextSize(), null,
                                (offset, length) -> openDecrypted(replica, format, offset, length), true, !streamed,
                                replica);
                    }
                    return new ReadableBlob(id, replica.size(), replica.path(),
                            (offset, length) -> node.open(replica, offset, length), false, !streamed, replica);
                }
                corrupt++;
            } catch (BlobEncryption.TamperedException e) {
                quarantine(replica, e.getMessage());
                corrupt++;
            } catch (NoSuchFileException e) {
                // deleted or quarantined meanwhile: try the next replica
            } catch (IOException e) {
                readErrors++;
                node.errors.incrementAndGet();
                log.warn("Cannot read replica of {} on node {}: {}", id, node, e.toString());
            }
        }
        if (corrupt > 0 || (!nodeDown && readErrors == 0)) {
            tracker.record(id, 0, settings.replicationFactor(), false);
        }
        throw missing(id, corrupt, readErrors, nodeDown);
    }

    /**
     * A range of an encrypted replica's plaintext: a whole read decrypts one stream, a partial one only the segments
     * it needs. A failed authentication (a tampered replica) ends the stream with an exception before any byte of the
     * failing segment, and the replica is reported corrupt.
     */
    private InputStream openDecrypted(Replica replica, BlobEncryption.Format format, long offset, long length)
            throws IOException {
        InputStream in;
        try {
            in = offset == 0 && length == format.plaintextSize()
                    ? encryption.decrypting(format, replica.sha256(), replica.node().open(replica,
                    BlobEncryption.HEADER_SIZE, replica.size() - BlobEncryption.HEADER_SIZE))
                    : encryption.decryptRange(format, replica, offset, length);
        } catch (BlobEncryption.TamperedException e) {
            reportCorrupt(replica, e);
            throw e;
        }
        return new java.io.FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (BlobEncryption.TamperedException e) {
                    reportCorrupt(replica, e);
                    throw e;
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (BlobEncryption.TamperedException e) {
                    reportCorrupt(replica, e);
                    throw e;
                }
            }
        };
    }

    /** An encrypted replica failed its authentication while it was read: hashed before it is returned again, healed. */
    private void reportCorrupt(Replica replica, IOException why) {
        log.error("A replica of {} on node {} failed while it was decrypted: {}", replica.sha256(), replica.node(),
                why.getMessage());
        verifiedCache.forget(replica.key());
        suspects.add(replica.key());
        heal(replica.sha256());
    }

    /**
     * Reports that the whole of a replica returned unchecked by {@link #open(String, ReadCheck)} hashed to its id
     * while it was streamed: it counts as verified, like a hash before a read, for
     * {@link BlobStoreSettings#verifiedMaxAge()} while its size, time and version stay as they were when it was
     * opened. A replica reported corrupt meanwhile stays a suspect.
     */
    public void reportIntact(ReadableBlob blob) {
        Objects.requireNonNull(blob, "blob");
        if (!suspects.contains(blob.replica.key())) {
            verifiedCache.markVerified(blob.replica);
        }
    }

    /**
     * Reports that a replica returned by {@link #open(String, ReadCheck)} did not hash to its id while it was streamed:
     * it is not returned unhashed again, and a background heal quarantines it and re-creates it from an intact copy.
     */
    public void reportCorrupt(ReadableBlob blob, String actualSha256) {
        Objects.requireNonNull(blob, "blob");
        log.error("A replica of {} ({}) streamed with SHA-256 {}", blob.sha256(),
                blob.path() != null ? blob.path() : "on an S3 node", actualSha256);
        for (Node node : nodes) {
            try {
                Optional<Replica> replica = node.replica(blob.sha256());
                if (replica.isPresent() && (blob.path() == null ? replica.get().path() == null
                        : blob.path().equals(replica.get().path()))) {
                    verifiedCache.forget(replica.get().key());
                    suspects.add(replica.get().key());
                }
            } catch (IOException e) {
                log.debug("Cannot look at node {}: {}", node, e.toString());
            }
        }
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
        nodes.forEach(Node::close);
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
            if (replicaOf(node, id).filter(Replica::regular).isPresent()) {
                count++;
            }
        }
        return count;
    }

    /** The node's replica of a blob; empty when it has none or cannot be asked. */
    private static Optional<Replica> replicaOf(Node node, String id) {
        try {
            return node.replica(id);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether any node holds a replica of the blob (not verified). */
    public boolean contains(String sha256) {
        String id = BlobIds.require(sha256);
        return nodes.stream().anyMatch(node -> replicaOf(node, id).filter(Replica::regular).isPresent());
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
            String key = node.id + "\n" + id;
            verifiedCache.forget(key);
            suspects.remove(key);
            try {
                node.delete(id);
            } catch (IOException e) {
                failure = e;
                log.warn("Cannot delete the replica of {} on node {}: {}", id, node, e.toString());
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
                Optional<Replica> replica;
                try {
                    replica = node.replica(id);
                } catch (IOException e) {
                    return false; // cannot tell whether it was reused there: keep it
                }
                if (replica.isPresent() && !replica.get().lastModified().isBefore(idleSince)) {
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

    /** {@link #list()} from the first id after {@code afterExclusive} ("" for the start). */
    public Stream<String> listAfter(String afterExclusive) {
        return BlobListing.of(nodes).filter(id -> id.compareTo(afterExclusive) > 0);
    }

    // ---------------------------------------------------------------------------------------------- nodes at runtime

    /**
     * Adds a node directory (created if missing) after the existing nodes, named {@code node-<N+1>}. New blobs are
     * placed on it at once; existing ones move to it when {@link #rebalance(String)} reaches them.
     *
     * @throws BlobStoreException INVALID_STATE when the node is already there, IO when it cannot be created
     */
    public NodeStatus addNode(Path directory, String location) {
        Path root = directory.toAbsolutePath().normalize();
        new BlobStoreSettings(List.of(root), 1, 0, false, 0, Duration.ZERO, 1, List.of(location)); // validates
        return add(new DirectoryNode(root, nextName(), location), true);
    }

    /** Adds a node in an S3-compatible bucket after the existing nodes (see {@link #addNode(Path, String)}). */
    public NodeStatus addNode(S3NodeSettings s3) {
        return add(new S3Node(Objects.requireNonNull(s3, "s3"), nextName()), false);
    }

    private synchronized NodeStatus add(Node node, boolean mustInitialize) {
        if (nodes.stream().anyMatch(n -> n.id.equals(node.id))) {
            node.close();
            throw new BlobStoreException(Reason.INVALID_STATE, "node " + node.id + " is already in the store");
        }
        try {
            node.initialize();
        } catch (IOException e) {
            node.close();
            if (mustInitialize) {
                throw new BlobStoreException(Reason.IO, "cannot create node " + node.id + ": " + e.getMessage(), e);
            }
        }
        List<Node> more = new ArrayList<>(nodes);
        more.add(node);
        nodes = List.copyOf(more);
        log.info("Node {} added in location {}", node, node.location);
        return node.status();
    }

    private String nextName() {
        int max = 0;
        for (Node node : nodes) {
            max = Math.max(max, Integer.parseInt(node.name.substring("node-".length())));
        }
        return "node-" + (max + 1);
    }

    /**
     * Takes a node out of the store (its files or objects stay where they are). Refused while fewer than R nodes
     * would be left, or while the node holds a blob of which no other node has an intact (hashed now) replica.
     *
     * @throws BlobStoreException NOT_FOUND when no node has that name, INVALID_STATE when refused
     */
    public synchronized NodeStatus removeNode(String name) {
        Node node = node(name);
        if (nodes.size() - 1 < settings.replicationFactor()) {
            throw new BlobStoreException(Reason.INVALID_STATE, "removing node " + name + " would leave fewer nodes than"
                    + " the replication factor " + settings.replicationFactor());
        }
        if (!node.isReadable()) {
            throw new BlobStoreException(Reason.INVALID_STATE, "node " + name + " is down: what it holds cannot be "
                    + "checked; bring it back, or remove it from the configuration and restart");
        }
        long only = 0;
        String example = null;
        try (Stream<String> ids = BlobListing.of(List.of(node))) {
            Iterator<String> iterator = ids.iterator();
            while (iterator.hasNext()) {
                String id = iterator.next();
                if (!intactElsewhere(id, node)) {
                    only++;
                    example = example == null ? id : example;
                }
            }
        }
        if (only > 0) {
            throw new BlobStoreException(Reason.INVALID_STATE, "node " + name + " holds the only intact replica of "
                    + only + " blob(s) (e.g. " + example + "): drain it first");
        }
        List<Node> fewer = new ArrayList<>(nodes);
        fewer.remove(node);
        nodes = List.copyOf(fewer);
        NodeStatus status = node.status();
        node.close();
        log.info("Node {} removed from the store", node);
        return status;
    }

    private boolean intactElsewhere(String id, Node except) {
        for (Node other : Node.rendezvousOrder(nodes, id)) {
            if (other == except) {
                continue;
            }
            try {
                Optional<Replica> replica = other.replica(id);
                if (replica.isPresent() && (verifiedCache.isVerified(replica.get()) || verify(replica.get()))) {
                    return true;
                }
            } catch (IOException e) {
                log.debug("Cannot check the replica of {} on node {}: {}", id, other, e.toString());
            }
        }
        return false;
    }

    /**
     * Moves a blob to its homes under the current placement: verifies its replicas, copies it (verified) to the
     * first R nodes in placement order that can take it, and only when all R of those hold a replica hashed intact
     * now, deletes its replicas on the other nodes that are up. Reads keep working throughout: a replica is deleted
     * only after R intact ones exist elsewhere.
     */
    public RebalanceResult rebalance(String sha256) {
        String id = BlobIds.require(sha256);
        Check check = check(id);
        int deleted = 0;
        long bytesRead = check.bytesRead();
        if (check.kept().size() == settings.replicationFactor()) {
            ReadWriteLock stripe = stripe(id);
            stripe.writeLock().lock(); // no put reuses a replica while the extra ones go
            try {
                boolean allIntact = true;
                for (Node home : check.kept()) {
                    Optional<Replica> replica = replicaOf(home, id);
                    try {
                        if (replica.isEmpty() || !(verifiedCache.isVerified(replica.get()) || verify(replica.get()))) {
                            allIntact = false;
                        }
                    } catch (IOException e) {
                        allIntact = false;
                    }
                }
                if (allIntact) {
                    for (Node node : nodes) {
                        if (check.kept().contains(node) || !node.isUp()) {
                            continue;
                        }
                        Optional<Replica> extra = replicaOf(node, id);
                        if (extra.isPresent()) {
                            try {
                                node.delete(id);
                                verifiedCache.forget(extra.get().key());
                                deleted++;
                                log.debug("Removed the replica of {} on node {}: its homes hold it", id, node);
                            } catch (IOException e) {
                                node.errors.incrementAndGet();
                                log.warn("Cannot remove the replica of {} on node {}: {}", id, node, e.toString());
                            }
                        }
                    }
                }
            } finally {
                stripe.writeLock().unlock();
            }
        }
        return new RebalanceResult(id, check.result().addedReplicas(), deleted, bytesRead,
                check.result().replicas() > 0 && check.kept().size() < settings.replicationFactor());
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
        return nodes.stream().map(Node::status).toList();
    }

    /**
     * Blobs and their bytes on one node, counted by walking its {@code blobs} directory (as long as the listing of
     * that node takes).
     *
     * @throws BlobStoreException NOT_FOUND when no node has that name
     */
    public NodeUsage usage(String name) {
        return node(name).usage();
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
        log.info("Node {} is now {}", node, draining ? "draining" : readOnly ? "read-only" : "up");
        return node.status();
    }

    /**
     * Copies every blob of a draining node to other nodes until each has R intact replicas outside it (verified
     * copies; nothing is deleted). Idempotent: run it again after a restart and it finds the copies made.
     *
     * @return the blobs examined and the blobs still without R replicas elsewhere (0 means the node can be removed)
     */
    public DrainResult drain(String name) {
        return drain(name, id -> { });
    }

    /** {@link #drain(String)}, calling {@code afterBlob} after each blob (for progress, and tests that crash there). */
    public DrainResult drain(String name, java.util.function.Consumer<String> afterBlob) {
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
                afterBlob.accept(id);
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
     * Removes temp files last modified before {@code olderThan} ago: leftovers of crashed writes (and aborts
     * multipart uploads to S3 nodes started before then). A write in progress touches its temp file with every buffer,
     * so {@code olderThan} only needs to exceed the longest client stall.
     *
     * @return how many files (and uploads) were removed
     */
    public int cleanupTemp(Duration olderThan) {
        if (olderThan.isNegative()) {
            throw new IllegalArgumentException("olderThan must not be negative, was " + olderThan);
        }
        Instant cutoff = Instant.now().minus(olderThan);
        int removed = 0;
        for (Node node : nodes) {
            removed += node.cleanup(cutoff);
        }
        if (settings.stagingDirectory() != null) {
            removed += DirectoryNode.cleanupTempFiles(settings.stagingDirectory(), cutoff);
        }
        if (removed > 0) {
            log.info("Removed {} abandoned temp file(s)", removed);
        }
        return removed;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** A staged file, on a directory node (which may adopt it with an atomic move) or in the staging directory. */
    private record Staged(Path file, DirectoryNode node) {
    }

    /**
     * Where an incoming stream (or a copy of a replica from an object store) is written while it is checked: the up
     * directory node with the most usable space, else the staging directory.
     */
    private Staged stage(String prefix) throws IOException {
        DirectoryNode best = null;
        long bestUsable = settings.minFreeBytes();
        boolean anyWritable = false;
        boolean anyS3Writable = false;
        for (Node node : nodes) {
            if (node instanceof DirectoryNode directory && directory.isWritable()) {
                anyWritable = true;
                long usable = directory.usableBytes();
                if (usable > bestUsable) {
                    best = directory;
                    bestUsable = usable;
                }
            } else if (!(node instanceof DirectoryNode) && node.isWritable()) {
                anyS3Writable = true;
            }
        }
        if (best != null) {
            return new Staged(best.newTempFile(prefix), best);
        }
        if (anyS3Writable && settings.stagingDirectory() != null) {
            Files.createDirectories(settings.stagingDirectory());
            return new Staged(Files.createTempFile(settings.stagingDirectory(), prefix, ".tmp"), null);
        }
        if (anyWritable) {
            throw new BlobStoreException(Reason.INSUFFICIENT_STORAGE,
                    "every writable node has less than " + settings.minFreeBytes() + " bytes free");
        }
        throw new BlobStoreException(Reason.UNAVAILABLE, anyS3Writable
                ? "no directory node is up and writable, and no staging directory is configured"
                : "no node is up and writable");
    }

    /**
     * Puts the verified temp file on the blob's first R usable nodes in rendezvous order.
     *
     * @param size       the content's size
     * @param storedSize the temp file's size (larger when it is encrypted)
     */
    private PutResult place(String id, long size, long storedSize, Path tmp) {
        ReadWriteLock stripe = stripe(id);
        stripe.readLock().lock();
        try {
            return placeLocked(id, size, storedSize, tmp);
        } finally {
            stripe.readLock().unlock();
        }
    }

    private PutResult placeLocked(String id, long size, long storedSize, Path tmp) {
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
            try {
                if (hasReplicaOfSize(node, id, size, storedSize)) {
                    touch(node, id);
                    existed = true;
                    placed++;
                    continue;
                }
                if (!hasRoomFor(node, storedSize)) {
                    log.debug("Node {} is full, skipped for blob {}", node, id);
                    full = true;
                    continue;
                }
                if (!tmpMoved && node instanceof DirectoryNode directory
                        && directory.adopt(tmp, id, settings.fsync())) {
                    // its content was hashed while it was written: no need to read it again on the first open
                    tmpMoved = true;
                    source = directory.blobPath(id);
                    markVerified(node, id);
                    placed++;
                    continue;
                }
                node.write(id, storedSize, source, settings.fsync());
                markVerified(node, id);
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

    /** A replica just written from verified content needs no hashing on its first read. */
    private void markVerified(Node node, String id) {
        if (node instanceof DirectoryNode) { // an object's upload was checked by size only: hash it on first read
            replicaOf(node, id).ifPresent(verifiedCache::markVerified);
        }
    }

    /**
     * Whether the node has a replica of the content that can be reused: plaintext of {@code size} bytes, or an
     * encrypted replica of the same content (the same stored size, or a header that unwraps for this id and size).
     * Anything else in its place is quarantined.
     */
    private boolean hasReplicaOfSize(Node node, String id, long size, long storedSize) throws IOException {
        Optional<Replica> replica = node.replica(id);
        if (replica.isEmpty()) {
            return false;
        }
        if (replica.get().regular() && (replica.get().size() == size || replica.get().size() == storedSize)) {
            return true;
        }
        if (replica.get().regular()) {
            try {
                BlobEncryption.Format format = encryption.format(replica.get());
                if (format.encrypted() && format.plaintextSize() == size) {
                    return true;
                }
            } catch (BlobEncryption.TamperedException e) {
                quarantine(replica.get(), e.getMessage());
                return false;
            }
        }
        quarantine(replica.get(), "size " + replica.get().size() + " where the content has " + size + " bytes");
        return false;
    }

    private boolean hasRoomFor(Node node, long size) {
        return node.usableBytes() - size >= settings.minFreeBytes();
    }

    /**
     * @param effectiveReplicas intact replicas on nodes that are not draining
     * @param kept              the nodes that count towards R for this blob, in placement order: its homes
     */
    record Check(RepairResult result, int readErrors, boolean nodeDown, long bytesRead, int effectiveReplicas,
                 List<Node> kept) {
    }

    /** Verifies every replica of a blob and adds replicas until it is on R nodes. */
    Check check(String id) {
        resolving(id);
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
        Replica source = null;
        int corrupt = 0;
        int readErrors = 0;
        long bytesRead = 0;
        boolean nodeDown = false;
        for (Node node : order) {
            Optional<Replica> found;
            try {
                found = node.replica(id);
            } catch (IOException e) {
                nodeDown = true;
                continue;
            }
            if (found.isEmpty()) {
                nodeDown |= !node.isReadable();
                continue;
            }
            Replica replica = found.get();
            bytesRead += replica.size();
            try {
                // a suspect stays one (hashed before any read) until this verdict: removing it first let a read
                // stream the corrupt replica again while it was being verified
                boolean intactReplica = verify(replica);
                suspects.remove(replica.key());
                if (intactReplica) {
                    intact.add(node);
                    if (source == null || (source.path() == null && replica.path() != null)) {
                        source = replica; // a local file is the cheapest source of copies
                    }
                } else {
                    corrupt++;
                }
            } catch (NoSuchFileException e) {
                suspects.remove(replica.key()); // deleted meanwhile
            } catch (IOException e) {
                readErrors++;
                node.errors.incrementAndGet();
                log.warn("Cannot read the replica of {} on node {}: {}", id, node, e.toString());
            }
        }
        int verified = intact.size();
        if (verified == 0) {
            return new Check(new RepairResult(id, 0, corrupt, 0, 0), readErrors, nodeDown, bytesRead, 0, List.of());
        }
        long size = source.size();
        int added = 0;
        int placed = 0;
        List<Node> kept = new ArrayList<>();
        LocalCopy local = null;
        try {
            for (Node node : order) {
                if (placed == settings.replicationFactor()) {
                    break;
                }
                if (intact.contains(node) && !node.isDraining()) {
                    placed++;
                    kept.add(node);
                    continue;
                }
                if (intact.contains(node) || !node.isWritable() || !hasRoomFor(node, size)) {
                    continue;
                }
                try {
                    if (local == null) {
                        local = localCopy(source);
                    }
                    node.write(id, size, local.path(), settings.fsync());
                    markVerified(node, id);
                    placed++;
                    added++;
                    kept.add(node);
                    log.info("Added a replica of blob {} on node {}", id, node);
                } catch (IOException e) {
                    node.errors.incrementAndGet();
                    log.warn("Cannot add a replica of blob {} on node {}: {}", id, node, e.toString());
                }
            }
        } finally {
            if (local != null) {
                local.close();
            }
        }
        int replicas = verified + added;
        if (replicas < settings.replicationFactor()) {
            log.warn("Blob {} has {} of {} replicas: not enough nodes are up with room", id, replicas,
                    settings.replicationFactor());
        }
        return new Check(new RepairResult(id, verified, corrupt, added, replicas), readErrors, nodeDown, bytesRead,
                placed, kept);
    }

    /** A local file with an intact replica's content: the replica's own file, or a verified download of it. */
    private final class LocalCopy implements AutoCloseable {
        private final Path path;
        private final boolean temporary;

        LocalCopy(Path path, boolean temporary) {
            this.path = path;
            this.temporary = temporary;
        }

        Path path() {
            return path;
        }

        @Override
        public void close() {
            if (temporary) {
                deleteQuietly(path);
            }
        }
    }

    private LocalCopy localCopy(Replica replica) throws IOException {
        if (replica.path() != null) {
            return new LocalCopy(replica.path(), false);
        }
        Path file = stage("fetch-").file();
        try (InputStream in = replica.node().open(replica, 0, replica.size())) {
            Sha256.Digested copy = Sha256.copy(in, file, false);
            if (BlobEncryption.isEncrypted(file) && copy.size() == replica.size()) {
                copy = encryption.digest(file, replica.sha256()); // the ciphertext is copied, its plaintext checked
            }
            if (!copy.sha256().equals(replica.sha256())
                    || (copy.size() != replica.size() && !BlobEncryption.isEncrypted(file))) {
                throw new IOException("the download of " + replica.sha256() + " from node " + replica.node()
                        + " has SHA-256 " + copy.sha256() + " and " + copy.size() + " bytes");
            }
            return new LocalCopy(file, true);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(file);
            throw e;
        }
    }

    /** Hashes a replica; an intact one is remembered, a corrupt one quarantined. */
    private boolean verify(Replica replica) throws IOException {
        if (!replica.regular()) {
            quarantine(replica, "not a regular file");
            return false;
        }
        Sha256.Digested digested;
        try {
            digested = encryption.digest(replica); // through the AEAD for an encrypted replica
        } catch (BlobEncryption.TamperedException e) {
            quarantine(replica, e.getMessage());
            return false;
        }
        if (digested.sha256().equals(replica.sha256())) {
            verifiedCache.markVerified(replica);
            return true;
        }
        quarantine(replica, "its content has SHA-256 " + digested.sha256());
        return false;
    }

    /**
     * Moves a corrupt replica out of the way into its node's quarantine, unless it was replaced since it was
     * examined (a concurrent writer may just have published an intact copy).
     */
    private void quarantine(Replica replica, String why) {
        verifiedCache.forget(replica.key());
        replica.node().errors.incrementAndGet();
        try {
            Optional<String> destination = replica.node().quarantine(replica);
            if (destination.isPresent()) {
                log.error("Corrupt replica of {} on node {} ({}) moved to {}", replica.sha256(), replica.node(), why,
                        destination.get());
            } else {
                log.info("Corrupt replica of {} on node {} changed or went away after it was examined, not "
                        + "quarantined", replica.sha256(), replica.node());
            }
        } catch (IOException e) {
            log.error("Corrupt replica of {} on node {} ({}) could not be quarantined: {}", replica.sha256(),
                    replica.node(), why, e.toString());
        }
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
    private static void touch(Node node, String id) {
        try {
            node.touch(id);
        } catch (IOException e) {
            log.debug("Cannot touch the replica of {} on node {}: {}", id, node, e.toString());
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
