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
 * committed offset (bytes past it are cut off when the store opens). Nothing is held in memory but the state.
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
    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<String, TusUpload> uploads = new ConcurrentHashMap<>();

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
            load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the upload directory " + dir, e);
        }
    }

    Instant now() {
        return clock.instant();
    }

    /** Creates an empty upload, or fails with 429 / 503 when the open-upload limits are reached. */
    TusUpload create(UserId owner, Long length, Map<String, String> metadata) throws IOException {
        int open = 0;
        int openOfOwner = 0;
        for (TusUpload upload : uploads.values()) {
            if (!upload.finished()) {
                open++;
                if (upload.owner.equals(owner)) {
                    openOfOwner++;
                }
            }
        }
        if (openOfOwner >= properties.maxOpenPerUser()) {
            throw new TusException(429, "you have " + openOfOwner + " unfinished uploads, the most allowed: finish "
                    + "or terminate some first");
        }
        if (open >= properties.maxOpen()) {
            throw new TusException(503, "the service holds the most unfinished uploads it allows; retry later",
                    Map.of("Retry-After", "60"));
        }
        Instant now = now();
        String id = UUID.randomUUID().toString().replace("-", "");
        TusUpload upload = new TusUpload(id, owner, FileId.random(), length, metadata, now,
                now.plus(properties.expiration()), 0, 0, encryption.newScratchKey(keyContext(id)), false);
        Files.newByteChannel(part(id), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        persist(upload);
        uploads.put(id, upload);
        return upload;
    }

    /** The upload with this id, if it exists and has not expired. */
    Optional<TusUpload> find(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(uploads.get(id));
    }

    Collection<TusUpload> all() {
        return List.copyOf(uploads.values());
    }

    /** The part file (its content, or its sealed records when encrypted). */
    Path content(TusUpload upload) {
        return part(upload.id);
    }

    /** Reads the committed content (decrypting it when it is encrypted); the caller holds the upload's lock. */
    InputStream openContent(TusUpload upload) throws IOException {
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
        upload.length(length);
        persist(upload);
    }

    /** The file was created: keep only the small record (until expiry), drop the content. */
    void finished(TusUpload upload) throws IOException {
        upload.finish();
        upload.expiresAt(now().plus(properties.expiration()));
        persist(upload);
        Files.deleteIfExists(part(upload.id));
    }

    /** Removes an upload and its content. */
    void delete(TusUpload upload) {
        uploads.remove(upload.id, upload);
        deleteQuietly(part(upload.id));
        deleteQuietly(state(upload.id));
    }

    /**
     * Deletes every upload that expired and is not being written; returns how many.
     */
    int expire() {
        Instant now = now();
        int removed = 0;
        for (TusUpload upload : uploads.values()) {
            if (upload.expired(now) && upload.tryLock()) {
                try {
                    delete(upload);
                    removed++;
                } finally {
                    upload.unlock();
                }
            }
        }
        deleteStrayFiles();
        return removed;
    }

    /** Every byte arrived but the file was not created (the service stopped in between). */
    List<TusUpload> awaitingCompletion() {
        List<TusUpload> waiting = new ArrayList<>();
        for (TusUpload upload : uploads.values()) {
            if (upload.complete() && !upload.finished()) {
                waiting.add(upload);
            }
        }
        return waiting;
    }

    private void load() throws IOException {
        Instant now = now();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*" + STATE)) {
            for (Path file : entries) {
                String name = file.getFileName().toString();
                String id = name.substring(0, name.length() - STATE.length());
                if (!ID.matcher(id).matches()) {
                    continue;
                }
                try {
                    TusUpload upload = read(file);
                    if (upload.expired(now)) {
                        delete(upload);
                        continue;
                    }
                    if (!upload.finished()) {
                        resumeAt(upload);
                    }
                    uploads.put(id, upload);
                } catch (IOException | JacksonException | IllegalArgumentException e) {
                    log.warn("Upload state {} is unreadable and is removed: {}", file, e.toString());
                    deleteQuietly(file);
                    deleteQuietly(part(id));
                }
            }
        }
        deleteStrayFiles();
        log.info("{} resumable uploads in {}", uploads.size(), dir);
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
     * Temp state files and content without state left by a crash during creation or deletion; only files older
     * than {@link #STRAY_AGE}, so that an upload being created right now is never touched.
     */
    private void deleteStrayFiles() {
        Instant cutoff = now().minus(STRAY_AGE);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path file : entries) {
                String name = file.getFileName().toString();
                boolean stray = name.endsWith(".tmp") || name.endsWith(PART)
                        && !uploads.containsKey(name.substring(0, name.length() - PART.length()))
                        && !Files.exists(state(name.substring(0, name.length() - PART.length())));
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
