package io.filestore.api.tus;

import io.filestore.api.config.FilestoreProperties;
import io.filestore.api.files.FileCreator;
import io.filestore.api.files.MetadataInput;
import io.filestore.api.storage.SingletonJobs;
import io.filestore.blob.BlobStore;
import io.filestore.blob.PutResult;
import io.filestore.command.api.UserId;
import io.filestore.query.metadata.api.FileView;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Resumable uploads: their store, the turn of a complete upload into a file (the same {@code UploadFileCommand} a
 * one-piece upload sends), and the periodic removal of expired uploads. Instances sharing the data directory share
 * the uploads: each request locks its upload on disk ({@link UploadStore}), and the cleanup runs on one instance at
 * a time ({@link SingletonJobs.Job#UPLOAD_CLEANUP}).
 */
@Component
public class TusService {

    private static final Logger log = LoggerFactory.getLogger(TusService.class);

    private final UploadStore store;
    private final BlobStore blobs;
    private final FileCreator creator;
    private final long maxSize;
    private final SingletonJobs jobs;

    public TusService(FilestoreProperties filestore, TusProperties properties, BlobStore blobs, FileCreator creator,
                      SingletonJobs jobs) {
        this.store = new UploadStore(filestore.dataDir().resolve("uploads"), properties, Clock.systemUTC(),
                blobs.encryption());
        this.blobs = blobs;
        this.creator = creator;
        this.maxSize = filestore.maxUploadSize().toBytes();
        this.jobs = jobs;
    }

    UploadStore store() {
        return store;
    }

    long maxSize() {
        return maxSize;
    }

    /** The caller's upload as it is now; someone else's, an unknown or an expired one is 404 (expired: 410). */
    TusUpload get(String id, UserId caller) {
        Optional<TusUpload> found = store.find(id).filter(upload -> upload.owner.equals(caller));
        if (found.isEmpty()) {
            throw new TusException(404, "no such upload");
        }
        if (found.get().expired(store.now())) {
            throw new TusException(410, "the upload expired");
        }
        return found.get();
    }

    /**
     * The caller's upload, locked for a change and read afresh under the lock (on whichever instance the previous
     * request ran); 409 with {@code busy} as the detail while another request, here or on another instance, holds it.
     */
    UploadStore.Lease lock(String id, UserId caller, String busy) throws IOException {
        get(id, caller);
        UploadStore.Lease lease = store.tryLock(id).orElseThrow(() -> new TusException(409, busy));
        if (!lease.upload().owner.equals(caller) || lease.upload().expired(store.now())) {
            boolean expired = lease.upload().owner.equals(caller);
            lease.close();
            throw expired ? new TusException(410, "the upload expired") : new TusException(404, "no such upload");
        }
        return lease;
    }

    /** How many unfinished uploads were created before {@code instant} (their part files' keys may be older). */
    public long unfinishedCreatedBefore(java.time.Instant instant) {
        return store.all().stream().filter(upload -> !upload.finished() && upload.createdAt.isBefore(instant)).count();
    }

    List<TusUpload> openUploadsOf(UserId caller) {
        return store.all(caller::equals).stream()
                .filter(upload -> !upload.finished() && !upload.expired(store.now()))
                .toList();
    }

    /** Validates what the file will be; a creation is refused (400) before any byte is stored. */
    FileCreator.NewFile describe(Map<String, String> metadata) {
        return creator.describe(first(metadata, "filename", "name"), first(metadata, "filetype", "type", "mimeType"),
                metadataInput(metadata));
    }

    /**
     * Makes the file from a complete upload (the caller holds its lock): the content goes into the blob store, then
     * the upload command is sent and the view awaited. Idempotent: a file already created for it is kept.
     */
    FileView complete(TusUpload upload) throws IOException {
        Optional<FileView> existing = creator.existing(upload.fileId, upload.owner);
        if (existing.isPresent()) {
            store.finished(upload);
            return existing.get();
        }
        FileCreator.NewFile file = describe(upload.metadata);
        PutResult blob;
        try (InputStream in = store.openContent(upload)) {
            blob = blobs.put(in, upload.length(), null);
        }
        if (blob.size() != upload.length()) {
            throw new IllegalStateException("upload " + upload.id + " has " + blob.size() + " bytes, expected "
                    + upload.length());
        }
        FileView view = creator.create(upload.fileId, file, blob, upload.owner);
        store.finished(upload);
        log.debug("Upload {} became file {}", upload.id, upload.fileId);
        return view;
    }

    Optional<FileView> file(TusUpload upload) {
        return upload.finished() ? creator.existing(upload.fileId, upload.owner) : Optional.empty();
    }

    /**
     * Removes expired uploads and finishes uploads whose completion a stop interrupted; on one instance at a time
     * (another instance running it now: skipped here).
     */
    @Scheduled(initialDelayString = "${filestore.uploads.cleanup-initial-delay:20s}",
            fixedDelayString = "${filestore.uploads.cleanup-interval:5m}")
    public void cleanup() {
        Optional<SingletonJobs.Held> lock = jobs.tryLock(SingletonJobs.Job.UPLOAD_CLEANUP);
        if (lock.isEmpty()) {
            return;
        }
        try (SingletonJobs.Held held = lock.get()) {
            cleanupOnThisInstance();
        }
    }

    private void cleanupOnThisInstance() {
        int expired = store.expire();
        if (expired > 0) {
            log.info("Removed {} expired uploads", expired);
        }
        for (TusUpload upload : store.awaitingCompletion()) {
            try {
                Optional<UploadStore.Lease> lease = store.tryLock(upload.id);
                if (lease.isEmpty()) {
                    continue; // a request is finishing it now
                }
                try (UploadStore.Lease locked = lease.get()) {
                    if (locked.upload().complete() && !locked.upload().finished()) {
                        complete(locked.upload());
                        log.info("Finished interrupted upload {} as file {}", upload.id, upload.fileId);
                    }
                }
            } catch (IOException | RuntimeException e) {
                log.warn("Upload {} could not be finished yet: {}", upload.id, e.toString());
            }
        }
    }

    private static MetadataInput metadataInput(Map<String, String> metadata) {
        String tags = metadata.get("tags");
        return new MetadataInput(null, metadata.get("description"),
                tags == null ? null : Arrays.stream(tags.split(",")).map(String::trim).filter(t -> !t.isEmpty())
                        .toList(),
                metadata.get("folder"), null, null, null);
    }

    private static String first(Map<String, String> metadata, String... keys) {
        for (String key : keys) {
            String value = metadata.get(key);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
