package io.filestore.api.tus;

import io.filestore.blob.BlobEncryption;
import io.filestore.blob.ScratchKey;
import io.filestore.command.api.FileId;
import io.filestore.command.api.UserId;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Partial uploads on disk under one directory: {@code <id>.json} holds the upload's state (written to a temp file,
 * forced and atomically renamed), {@code <id>.part} its content so far. Content is appended at the committed
 * offset and forced before the offset is committed, so after a crash or restart an upload resumes at its last
 * committed offset (bytes past it are cut off when the upload is next locked).
 *
 * <p>Several service instances may share the directory (one data directory behind a load balancer), so any
 * instance may answer any request of an upload. Nothing about an upload is kept in memory between requests: its
 * state is read from its state file, and an upload is changed only by the holder of its lock, an OS file lock
 * ({@link FileChannel#tryLock()}) on {@code <id>.lock}, taken by {@link #tryLock} and re-reading the state once held
 * (so an instance never works from a stale offset). The OS releases a file lock when its process dies, so a kill -9
 * in the middle of a PATCH leaves the upload resumable at its last committed offset on any instance. Within one
 * process a lock is also registered per lock file (the JVM allows one lock per file and process, and closing any
 * channel of a file would release it). The open-upload limits are counted from the directory (the part files of
 * unfinished uploads) under a directory-wide lock ({@code .create.lock}), so they hold across instances too.
 *
 * <p>When the blob store encrypts, so does the part file: each upload gets its own data key ({@link ScratchKey},
 * wrapped by the master key in the state file) and the part file is a sequence of records, each
 * {@code [4-byte length n][n bytes: AES-GCM of up to buffer-size content bytes]}, sealed with the associated data
 * {@code "filestore-tus-v1 <id> <content offset>"} so that no record opens anywhere but where it was written. A
 * record holds a full buffer unless the chunk ended; the committed size of the part file ({@code stored}) is kept
 * beside the committed offset.
 */
final class UploadStore {

    private static final Logger log = LoggerFactory.getLogger(UploadStore.class);
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final String STATE = ".json";
    private static final String PART = ".part";
    private static final int BUFFER = 64 * 1024;
    private static final java.time.Duration STRAY_AGE = java.time.Duration.ofMinutes(10);

    private final Path dir;
    private final TusProperties properties;
    private final Clock clock;
    /** Where part files get their keys: new ones only while the blob store encrypts new blobs. */
    private final BlobEncryption encryption;
    private static final String LOCK = ".lock";
    private static final String CREATE_LOCK = ".create.lock";
    /** The lock files whose lock this process holds (through any store), so that it never takes one twice. */
    private static final Map<Path, Boolean> HELD = new ConcurrentHashMap<>();
    /** Serializes creations within this process before the directory-wide file lock is taken. */
    private static final Map<Path, Object> CREATING = new ConcurrentHashMap<>();

    private final JsonMapper json = JsonMapper.builder().build();
    /** The uploads this instance holds the lock of now, as it changes them (their bytes in flight, for progress). */
    private final Map<String, TusUpload> held = new ConcurrentHashMap<>();
    /** The owner of each upload seen: never changes, so it is read once (for the open-upload counts). */
    private final Map<String, UserId> owners = new ConcurrentHashMap<>();

    UploadStore(Path dir, TusProperties properties, Clock clock) {
        this(dir, properties, clock, BlobEncryption.none());
    }

    UploadStore(Path dir, TusProperties properties, Clock clock, BlobEncryption encryption) {
        this.dir = dir;
        this.properties = properties;
        this.clock = clock;
        this.encryption = encryption;
        try {
            Files.createDirectories(dir);
            log.info("{} resumable uploads in {}", stateIds().size(), dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the upload directory " + dir, e);
        }
    }

    Instant now() {
        return clock.instant();
    }

    /**
     * A locked upload: while it is open, this instance alone changes the upload, and {@link #upload()} is its state
     * as read from disk when the lock was taken (then changed only through this store). Closing releases the lock.
     */
    final class Lease implements AutoCloseable {
        private final TusUpload upload;
        private final Path lockFile;
        private final FileChannel channel;

        private Lease(TusUpload upload, Path lockFile, FileChannel channel) {
            this.upload = upload;
            this.lockFile = lockFile;
            this.channel = channel;
        }

        TusUpload upload() {
            return upload;
        }

        @Override
        public void close() {
            held.remove(upload.id, upload);
            release(lockFile, channel);
        }
    }

    /**
     * Creates an empty upload and returns it locked, or fails with 429 / 503 when the open-upload limits are reached
     * (counted over every instance's uploads in the directory).
     */
    Lease create(UserId owner, Long length, Map<String, String> metadata) throws IOException {
        synchronized (CREATING.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new Object())) {
            try (FileChannel creating = FileChannel.open(dir.resolve(CREATE_LOCK), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 java.nio.channels.FileLock ignored = creating.lock()) {
                int open = 0;
                int openOfOwner = 0;
                for (String id : partIds()) {
                    UserId of = owner(id);
                    if (of != null) {
                        open++;
                        if (of.equals(owner)) {
                            openOfOwner++;
                        }
                    }
                }
                if (openOfOwner >= properties.maxOpenPerUser()) {
                    throw new TusException(429, "you have " + openOfOwner + " unfinished uploads, the most allowed: "
                            + "finish or terminate some first");
                }
                if (open >= properties.maxOpen()) {
                    throw new TusException(503, "the service holds the most unfinished uploads it allows; retry "
                            + "later", Map.of("Retry-After", "60"));
                }
                Instant now = now();
                String id = UUID.randomUUID().toString().replace("-", "");
                TusUpload upload = new TusUpload(id, owner, FileId.random(), length, metadata, now,
                        now.plus(properties.expiration()), 0, 0, encryption.newScratchKey(keyContext(id)), false);
                Lease lease = lock(id, () -> upload).orElseThrow(() -> new IllegalStateException(
                        "a new upload is locked"));
                try {
                    Files.newByteChannel(part(id), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                    persist(upload);
                    owners.put(id, owner);
                    return lease;
                } catch (IOException | RuntimeException e) {
                    lease.close();
                    throw e;
                }
            }
        }
    }

    /**
     * Takes the upload's lock and reads its state afresh (bytes a crash left past the committed offset are cut
     * off); empty when another request, here or on another instance, holds it.
     *
     * @throws TusException 404 when the upload no longer exists (or its state is unreadable: it is removed)
     */
    Optional<Lease> tryLock(String id) throws IOException {
        if (id == null || !ID.matcher(id).matches()) {
            throw new TusException(404, "no such upload");
        }
        return lock(id, () -> {
            TusUpload fresh;
            try {
                fresh = read(state(id));
            } catch (NoSuchFileException e) {
                deleteQuietly(lockFile(id));
                throw new TusException(404, "no such upload");
            } catch (IOException | JacksonException | IllegalArgumentException e) {
                log.warn("Upload state {} is unreadable and is removed: {}", state(id), e.toString());
                deleteQuietly(part(id));
                deleteQuietly(state(id));
                deleteQuietly(lockFile(id));
                throw new TusException(404, "no such upload");
            }
            if (fresh.finished()) {
                deleteQuietly(part(id)); // a stop between the finished state and the removal of the content
            } else {
                resumeAt(fresh);
            }
            return fresh;
        });
    }

    private interface Locked {
        TusUpload read() throws IOException;
    }

    private Optional<Lease> lock(String id, Locked reader) throws IOException {
        Path lockFile = lockFile(id).toAbsolutePath().normalize();
        if (HELD.putIfAbsent(lockFile, Boolean.TRUE) != null) {
            return Optional.empty();
        }
        FileChannel channel = null;
        boolean taken = false;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (channel.tryLock() == null) {
                return Optional.empty();
            }
            TusUpload upload = reader.read();
            held.put(id, upload);
            taken = true;
            return Optional.of(new Lease(upload, lockFile, channel));
        } finally {
            if (!taken) {
                release(lockFile, channel);
            }
        }
    }

    private static void release(Path lockFile, FileChannel channel) {
        try {
            if (channel != null) {
                channel.close(); // releases the file lock
            }
        } catch (IOException e) {
            log.warn("Cannot close the lock {}: {}", lockFile, e.toString());
        } finally {
            HELD.remove(lockFile);
        }
    }

    /**
     * The upload with this id as its state file has it now (or, while this instance writes it, as it is being
     * written), expired or not; empty when there is none.
     */
    Optional<TusUpload> find(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        TusUpload writing = held.get(id);
        if (writing != null) {
            return Optional.of(writing);
        }
        try {
            return Optional.of(read(state(id)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | JacksonException | IllegalArgumentException e) {
            log.debug("Upload state {} is unreadable now: {}", id, e.toString());
            return Optional.empty();
        }
    }

    /** Whether this instance is receiving bytes for the upload now. */
    boolean writingHere(String id) {
        return held.containsKey(id);
    }

    /** Every upload in the directory (of every instance), read now. */
    Collection<TusUpload> all() {
        return all(owner -> true);
    }

    /** The uploads of the owners {@code which} accepts, read now. */
    Collection<TusUpload> all(java.util.function.Predicate<UserId> which) {
        List<TusUpload> found = new ArrayList<>();
        for (String id : stateIds()) {
            UserId owner = owner(id);
            if (owner != null && which.test(owner)) {
                find(id).ifPresent(found::add);
            }
        }
        return found;
    }

    /** The owner of an upload (read once from its state), or null when it has none (any more). */
    private UserId owner(String id) {
        UserId owner = owners.get(id);
        if (owner == null) {
            owner = find(id).map(upload -> upload.owner).orElse(null);
            if (owner != null) {
                owners.put(id, owner);
            }
        }
        return owner;
    }

    private List<String> stateIds() {
        return ids(STATE);
    }

    /** The unfinished uploads: their part file exists from their creation until they are finished or deleted. */
    private List<String> partIds() {
        return ids(PART);
    }

    private List<String> ids(String suffix) {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*" + suffix)) {
            for (Path file : entries) {
                String name = file.getFileName().toString();
                String id = name.substring(0, name.length() - suffix.length());
                if (ID.matcher(id).matches()) {
                    ids.add(id);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the upload directory " + dir, e);
        }
        if (suffix.equals(STATE)) {
            owners.keySet().retainAll(new java.util.HashSet<>(ids));
        }
        return ids;
    }

    /** The part file (its content, or its sealed records when encrypted). */
    Path content(TusUpload upload) {
        return part(upload.id);
    }

    /** Reads the committed content (decrypting it when it is encrypted); the caller holds the upload's lock. */
    InputStream openContent(TusUpload upload) throws IOException {
        requireHeld(upload);
        InputStream part = new BufferedInputStream(Files.newInputStream(part(upload.id)), BUFFER);
        return upload.key == null ? part : new RecordInputStream(part, upload, maxRecord(upload.key));
    }

    /**
     * Appends {@code in} (read to its end or until {@code limit} bytes, whichever comes first) at the upload's
     * committed offset; the caller holds the upload's lock. Bytes that arrived before the client went away are kept
     * and committed unless a checksum was announced for the chunk (an unverifiable chunk is discarded whole).
     *
     * @param limit    the most bytes this chunk may have; one more fails with 413 and discards the chunk
     * @param declared the chunk's Content-Length, or -1; a body that ends before it counts as a broken connection
     * @param checksum the SHA-256 the client announced for the chunk, or null
     * @return the new committed offset
     * @throws TusException 413 (too many bytes), 460 (checksum mismatch) or 400 (the connection broke; what
     *                      arrived was kept unless a checksum was announced)
     */
    long append(TusUpload upload, InputStream in, long limit, long declared, byte[] checksum) throws IOException {
        requireHeld(upload);
        long start = upload.offset();
        long storedStart = upload.stored();
        MessageDigest digest = checksum != null ? sha256() : null;
        byte[] buffer = new byte[(int) properties.bufferSize().toBytes()];
        long written = 0;
        long storedWritten = 0;
        int pending = 0; // read into the buffer, not written yet: written in full buffers (one record each)
        IOException clientGone = null;
        try (FileChannel out = FileChannel.open(part(upload.id), StandardOpenOption.WRITE)) {
            out.truncate(storedStart);
            out.position(storedStart);
            try {
                while (true) {
                    int n;
                    try {
                        n = in.read(buffer, pending, (int) Math.min(buffer.length - pending,
                                limit - written - pending + 1));
                    } catch (IOException e) {
                        clientGone = e;
                        break;
                    }
                    if (n < 0) {
                        if (declared >= 0 && written + pending < declared) {
                            clientGone = new java.io.EOFException("the body ended after " + (written + pending)
                                    + " of " + declared + " bytes");
                        }
                        break;
                    }
                    if (written + pending + n > limit) {
                        out.truncate(storedStart);
                        throw new TusException(413, "the chunk goes past the upload's length or the size limit of "
                                + "the service");
                    }
                    if (digest != null) {
                        digest.update(buffer, pending, n);
                    }
                    pending += n;
                    upload.received(start + written + pending);
                    if (pending == buffer.length) {
                        storedWritten += write(out, upload, start + written, buffer, pending);
                        written += pending;
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    storedWritten += write(out, upload, start + written, buffer, pending);
                    written += pending;
                }
                if (checksum != null && (clientGone != null || !MessageDigest.isEqual(digest.digest(), checksum))) {
                    out.truncate(storedStart);
                    upload.received(start);
                    if (clientGone == null) {
                        throw new TusException(TusException.CHECKSUM_MISMATCH, "the chunk's SHA-256 does not match "
                                + "Upload-Checksum; it was discarded, resend it from offset " + start);
                    }
                    written = 0;
                    storedWritten = 0;
                }
                if (properties.fsync() && written > 0) {
                    out.force(false);
                }
            } catch (IOException | RuntimeException e) {
                upload.received(upload.offset());
                throw e;
            }
        }
        if (written > 0 || clientGone == null) {
            upload.committed(start + written, storedStart + storedWritten);
            upload.expiresAt(now().plus(properties.expiration()));
            persist(upload);
        } else {
            upload.received(start);
        }
        if (clientGone != null) {
            log.debug("PATCH of upload {} broke off: {}", upload.id, clientGone.toString());
            throw new TusException(400, "the request body broke off: resume at offset " + upload.offset());
        }
        return upload.offset();
    }

    /** Writes {@code length} content bytes at content offset {@code at}: as they are, or as one sealed record. */
    private static int write(FileChannel out, TusUpload upload, long at, byte[] buffer, int length)
            throws IOException {
        ByteBuffer bytes;
        if (upload.key == null) {
            bytes = ByteBuffer.wrap(buffer, 0, length);
        } else {
            byte[] sealed = upload.key.seal(buffer, 0, length, recordAd(upload.id, at));
            bytes = ByteBuffer.allocate(4 + sealed.length).putInt(sealed.length).put(sealed).flip();
        }
        int total = bytes.remaining();
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
        return total;
    }

    /** Sets a deferred length. */
    void declareLength(TusUpload upload, long length) throws IOException {
        requireHeld(upload);
        upload.length(length);
        persist(upload);
    }

    /** The file was created: keep only the small record (until expiry), drop the content. */
    void finished(TusUpload upload) throws IOException {
        requireHeld(upload);
        upload.finish();
        upload.expiresAt(now().plus(properties.expiration()));
        persist(upload);
        Files.deleteIfExists(part(upload.id));
    }

    /** Removes an upload and its content (the caller holds its lock, which goes with it). */
    void delete(TusUpload upload) {
        requireHeld(upload);
        deleteQuietly(part(upload.id));
        deleteQuietly(state(upload.id));
        deleteQuietly(lockFile(upload.id));
        owners.remove(upload.id);
    }

    /**
     * Deletes every upload that expired and is not being written (here or on another instance); returns how many.
     */
    int expire() {
        Instant now = now();
        int removed = 0;
        for (TusUpload upload : all()) {
            if (!upload.expired(now)) {
                continue;
            }
            try {
                Optional<Lease> lease = tryLock(upload.id);
                if (lease.isPresent()) {
                    try (Lease locked = lease.get()) {
                        if (locked.upload().expired(now)) {
                            delete(locked.upload());
                            removed++;
                        }
                    }
                }
            } catch (TusException e) {
                // removed meanwhile
            } catch (IOException e) {
                log.warn("Cannot remove expired upload {}: {}", upload.id, e.toString());
            }
        }
        deleteStrayFiles();
        return removed;
    }

    /** Every byte arrived but the file was not created (the service stopped in between). */
    List<TusUpload> awaitingCompletion() {
        List<TusUpload> waiting = new ArrayList<>();
        for (TusUpload upload : all()) {
            if (upload.complete() && !upload.finished()) {
                waiting.add(upload);
            }
        }
        return waiting;
    }

    /** Cuts the content back to the committed offset: bytes past it were never acknowledged. */
    private void resumeAt(TusUpload upload) throws IOException {
        Path part = part(upload.id);
        if (!Files.exists(part)) {
            throw new NoSuchFileException(part.toString());
        }
        long size = Files.size(part);
        if (size < upload.stored()) {
            // the state was forced but not the content (fsync off and a power cut): keep what is whole
            long[] whole = upload.key == null ? new long[] {size, size} : wholeRecords(part, size, upload.key);
            log.warn("Upload {} has {} bytes on disk but committed {}: resuming at {}", upload.id, size,
                    upload.stored(), whole[0]);
            upload.committed(whole[0], whole[1]);
            persist(upload);
        }
        if (size > upload.stored()) {
            try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
                channel.truncate(upload.stored());
            }
        }
    }

    /** The content offset and part size of the whole records among the first {@code size} bytes of a part file. */
    private static long[] wholeRecords(Path part, long size, ScratchKey key) throws IOException {
        long content = 0;
        long position = 0;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(part), BUFFER))) {
            while (position + 4 <= size) {
                int length = in.readInt();
                if (length < key.overhead() || position + 4 + length > size) {
                    break;
                }
                in.skipNBytes(length);
                position += 4 + length;
                content += length - key.overhead();
            }
        }
        return new long[] {content, position};
    }

    private TusUpload read(Path file) throws IOException {
        TusUpload.UploadInfo info = json.readValue(Files.readString(file), TusUpload.UploadInfo.class);
        if (info.format() != 1 || !info.id().equals(file.getFileName().toString().replace(STATE, ""))) {
            throw new IllegalArgumentException("unknown format or id");
        }
        ScratchKey key = info.key() == null ? null
                : encryption.openScratchKey(Base64.getDecoder().decode(info.key()), keyContext(info.id()));
        return new TusUpload(info.id(), new UserId(info.owner()), new FileId(info.fileId()), info.length(),
                info.metadata() == null ? Map.of() : info.metadata(), info.createdAt(), info.expiresAt(),
                info.offset(), info.stored() == null ? info.offset() : info.stored(), key, info.finished());
    }

    private void persist(TusUpload upload) throws IOException {
        Path target = state(upload.id);
        Path tmp = dir.resolve(upload.id + STATE + ".tmp");
        byte[] bytes = json.writeValueAsBytes(upload.info());
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            if (properties.fsync()) {
                out.force(true);
            }
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Temp state files, and content or lock files without state, left by a crash during creation or deletion; only
     * files older than {@link #STRAY_AGE}, so that an upload being created right now (on any instance) is never
     * touched.
     */
    private void deleteStrayFiles() {
        Instant cutoff = now().minus(STRAY_AGE);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path file : entries) {
                String name = file.getFileName().toString();
                String suffix = name.endsWith(PART) ? PART : name.endsWith(LOCK) ? LOCK : null;
                boolean stray = name.endsWith(".tmp") || suffix != null && !name.equals(CREATE_LOCK)
                        && !held.containsKey(name.substring(0, name.length() - suffix.length()))
                        && !Files.exists(state(name.substring(0, name.length() - suffix.length())));
                if (stray && modifiedBefore(file, cutoff)) {
                    deleteQuietly(file);
                }
            }
        } catch (IOException e) {
            log.warn("Cannot list {}: {}", dir, e.toString());
        }
    }

    private static boolean modifiedBefore(Path file, Instant cutoff) {
        try {
            return Files.getLastModifiedTime(file).toInstant().isBefore(cutoff);
        } catch (IOException e) {
            return false;
        }
    }

    private static String keyContext(String id) {
        return "tus-upload " + id;
    }

    private static byte[] recordAd(String id, long offset) {
        return ("filestore-tus-v1 " + id + " " + offset).getBytes(StandardCharsets.US_ASCII);
    }

    /** The largest record any buffer size allows (records written before a change of the setting still open). */
    private static int maxRecord(ScratchKey key) {
        return TusProperties.MAX_BUFFER_SIZE + key.overhead();
    }

    /** The committed content of an encrypted part file, record by record, each authenticated before it is read. */
    private static final class RecordInputStream extends InputStream {
        private final DataInputStream in;
        private final TusUpload upload;
        private final int maxRecord;
        private final long stored;
        private long position;
        private long offset;
        private byte[] record = new byte[0];
        private int next;

        RecordInputStream(InputStream in, TusUpload upload, int maxRecord) {
            this.in = new DataInputStream(in);
            this.upload = upload;
            this.maxRecord = maxRecord;
            this.stored = upload.stored();
        }

        private boolean fill() throws IOException {
            while (next == record.length) {
                if (position >= stored) {
                    return false;
                }
                int length = in.readInt();
                if (length < upload.key.overhead() || length > maxRecord || position + 4 + length > stored) {
                    throw new IOException("upload " + upload.id + " has a damaged record at " + position);
                }
                byte[] sealed = in.readNBytes(length);
                if (sealed.length != length) {
                    throw new IOException("upload " + upload.id + " ends inside a record at " + position);
                }
                try {
                    record = upload.key.open(sealed, recordAd(upload.id, offset));
                } catch (GeneralSecurityException e) {
                    throw new IOException("upload " + upload.id + " has a record at " + position
                            + " that does not authenticate", e);
                }
                next = 0;
                position += 4 + length;
                offset += record.length;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? record[next++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, record.length - next);
            System.arraycopy(record, next, b, off, n);
            next += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private Path state(String id) {
        return dir.resolve(id + STATE);
    }

    private Path part(String id) {
        return dir.resolve(id + PART);
    }

    private Path lockFile(String id) {
        return dir.resolve(id + LOCK);
    }

    /** The upload must be the one this instance holds the lock of (changes are made under the lock only). */
    private void requireHeld(TusUpload upload) {
        if (held.get(upload.id) != upload) {
            throw new IllegalStateException("upload " + upload.id + " is changed without holding its lock");
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Cannot delete {}: {}", file, e.toString());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
