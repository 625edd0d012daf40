package io.filestore.api.tus;

import io.filestore.command.api.FileId;
import io.filestore.command.api.UserId;
import io.filestore.blob.ScratchKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * One resumable upload as read from its state file (by the request at hand: nothing is kept between requests, any
 * instance may answer the next one). {@code offset} is the committed (durable) number of bytes; {@code received}
 * also counts the bytes of a PATCH still in progress here, for progress reports. Only the holder of the upload's
 * lock ({@link UploadStore#tryLock}) changes the content or the offset. When the content is
 * encrypted ({@code key} set), {@code stored} is the committed size of the part file, which holds sealed records and
 * is larger than the content; for plaintext content it equals {@code offset}.
 */
final class TusUpload {

    final String id;
    final UserId owner;
    /** The file this upload becomes, chosen at creation so that a retried completion cannot create two files. */
    final FileId fileId;
    final Map<String, String> metadata;
    final Instant createdAt;
    /** The content's key, or null when the part file holds plaintext. */
    final ScratchKey key;
    private volatile Long length;
    private volatile long offset;
    private volatile long stored;
    private volatile long received;
    private volatile Instant expiresAt;
    private volatile boolean finished;

    TusUpload(String id, UserId owner, FileId fileId, Long length, Map<String, String> metadata, Instant createdAt,
              Instant expiresAt, long offset, long stored, ScratchKey key, boolean finished) {
        this.id = id;
        this.key = key;
        this.stored = key == null ? offset : stored;
        this.owner = owner;
        this.fileId = fileId;
        this.length = length;
        this.metadata = Map.copyOf(metadata);
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
        this.offset = offset;
        this.received = offset;
        this.finished = finished;
    }

    /** The total size, or null while the client deferred it. */
    Long length() {
        return length;
    }

    void length(long length) {
        this.length = length;
    }

    long offset() {
        return offset;
    }


    /** The committed size of the part file. */
    long stored() {
        return stored;
    }

    void committed(long offset, long stored) {
        this.offset = offset;
        this.received = offset;
        this.stored = key == null ? offset : stored;
    }

    long received() {
        return received;
    }

    void received(long received) {
        this.received = received;
    }

    Instant expiresAt() {
        return expiresAt;
    }

    void expiresAt(Instant expiresAt) {
        this.expiresAt = expiresAt;
    }

    boolean finished() {
        return finished;
    }

    void finish() {
        this.finished = true;
    }

    /** Every byte arrived (the file may not be created yet). */
    boolean complete() {
        Long total = length;
        return total != null && offset == total;
    }

    boolean expired(Instant now) {
        return !expiresAt.isAfter(now);
    }

    UploadInfo info() {
        return new UploadInfo(1, id, owner.value(), fileId.value(), length, metadata, createdAt, expiresAt, offset,
                finished, key == null ? null : Base64.getEncoder().encodeToString(key.wrapped()),
                key == null ? null : stored);
    }

    /**
     * The state file's JSON. {@code key} (the content's data key wrapped by the master key, base64) and
     * {@code stored} are absent for plaintext content (and in states written before part files were encrypted).
     */
    record UploadInfo(int format, String id, String owner, String fileId, Long length, Map<String, String> metadata,
                      Instant createdAt, Instant expiresAt, long offset, boolean finished, String key, Long stored) {
    }
}
