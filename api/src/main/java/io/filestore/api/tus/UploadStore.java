package io.filestore.api.tus;

import io.filestore.command.api.FileId;
import io.filestore.command.api.UserId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
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
 */
final class UploadStore {

    private static final Logger log = LoggerFactory.getLogger(UploadStore.class);
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final String STATE = ".json";
    private static final String PART = ".part";
    private static final java.time.Duration STRAY_AGE = java.time.Duration.ofMinutes(10);

    private final Path dir;
    private final TusProperties properties;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<String, TusUpload> uploads = new ConcurrentHashMap<>();

    UploadStore(Path dir, TusProperties properties, Clock clock) {
        this.dir = dir;
        this.properties = properties;
        this.clock = clock;
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
                now.plus(properties.expiration()), 0, false);
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

    Path content(TusUpload upload) {
        return part(upload.id);
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
        MessageDigest digest = checksum != null ? sha256() : null;
        byte[] buffer = new byte[(int) properties.bufferSize().toBytes()];
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        long written = 0;
        IOException clientGone = null;
        try (FileChannel out = FileChannel.open(part(upload.id), StandardOpenOption.WRITE)) {
            out.truncate(start);
            out.position(start);
            try {
                while (true) {
                    int n;
                    try {
                        n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - written + 1));
                    } catch (IOException e) {
                        clientGone = e;
                        break;
                    }
                    if (n < 0) {
                        if (declared >= 0 && written < declared) {
                            clientGone = new java.io.EOFException("the body ended after " + written + " of "
                                    + declared + " bytes");
                        }
                        break;
                    }
                    if (written + n > limit) {
                        out.truncate(start);
                        throw new TusException(413, "the chunk goes past the upload's length or the size limit of "
                                + "the service");
                    }
                    if (digest != null) {
                        digest.update(buffer, 0, n);
                    }
                    wrapped.clear().limit(n);
                    while (wrapped.hasRemaining()) {
                        out.write(wrapped);
                    }
                    written += n;
                    upload.received(start + written);
                }
                if (checksum != null && (clientGone != null || !MessageDigest.isEqual(digest.digest(), checksum))) {
                    out.truncate(start);
                    upload.received(start);
                    if (clientGone == null) {
                        throw new TusException(TusException.CHECKSUM_MISMATCH, "the chunk's SHA-256 does not match "
                                + "Upload-Checksum; it was discarded, resend it from offset " + start);
                    }
                    written = 0;
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
            upload.offset(start + written);
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
        if (size < upload.offset()) {
            log.warn("Upload {} has {} bytes on disk but committed {}: resuming at {}", upload.id, size,
                    upload.offset(), size);
            upload.offset(size);
            persist(upload);
        } else if (size > upload.offset()) {
            try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
                channel.truncate(upload.offset());
            }
        }
    }

    private TusUpload read(Path file) throws IOException {
        TusUpload.UploadInfo info = json.readValue(Files.readString(file), TusUpload.UploadInfo.class);
        if (info.format() != 1 || !info.id().equals(file.getFileName().toString().replace(STATE, ""))) {
            throw new IllegalArgumentException("unknown format or id");
        }
        return new TusUpload(info.id(), new UserId(info.owner()), new FileId(info.fileId()), info.length(),
                info.metadata() == null ? Map.of() : info.metadata(), info.createdAt(), info.expiresAt(),
                info.offset(), info.finished());
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
