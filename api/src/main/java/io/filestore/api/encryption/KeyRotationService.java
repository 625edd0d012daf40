package io.filestore.api.encryption;

import io.filestore.api.config.BackupProperties;
import io.filestore.api.config.FilestoreProperties;
import io.filestore.api.storage.SingletonJobRunner;
import io.filestore.api.storage.SingletonJobs;
import io.filestore.api.tus.TusService;
import io.filestore.blob.BlobEncryption;
import io.filestore.blob.BlobStore;
import io.filestore.blob.Rewrapper;
import io.filestore.blob.Rewrapper.RewrapRun;
import io.filestore.query.TestPause;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Master key rotation: {@link #rotate()} makes a new master key primary and starts the re-wrap of every data key
 * ({@link Rewrapper}: the blob store's replicas, then the backups' blob copies); {@link #rewrap()} starts it alone
 * (for a keyset changed outside the service). The same job encrypts plaintext replicas when encryption was turned
 * on for an existing store. It runs on its own thread and on one instance at a time (a PostgreSQL advisory lock,
 * {@link SingletonJobs}); its position is kept in {@code <data-dir>/encryption/}, and an interrupted run (a stop, a
 * crash) is resumed a minute after the next start. A key can be retired once a complete run under the current
 * primary key has finished and no upload in progress is older than that run.
 */
@Component
public class KeyRotationService {

    private static final Logger log = LoggerFactory.getLogger(KeyRotationService.class);

    /** Why a request cannot be done now: answered 409. */
    public static final class Conflict extends RuntimeException {
        Conflict(String message) {
            super(message);
        }
    }

    /** A run soon after another one that left plaintext replicas (recently read ones) would find them read again. */
    static final Duration PLAINTEXT_RETRY = Duration.ofMinutes(10);

    private final BlobStore blobs;
    private final Rewrapper rewrapper;
    /** Exists while plaintext replicas may be left to encrypt: encryption was off (or unknown) at the last start. */
    private final Path plaintextPending;
    private final TusService uploads;
    private final SingletonJobRunner runner;

    private final SingletonJobs jobs;

    public KeyRotationService(BlobStore blobs, FilestoreProperties filestore, BackupProperties backups,
                              SingletonJobs jobs, TusService uploads) {
        this.blobs = blobs;
        this.runner = new SingletonJobRunner(jobs, SingletonJobs.Job.REWRAP, "The re-wrap", "key-rewrap");
        this.jobs = jobs;
        this.uploads = uploads;
        this.rewrapper = new Rewrapper(blobs, filestore.dataDir().resolve("encryption"),
                List.of(backups.resolveDirectory(filestore.dataDir()).resolve("blobs")), 100,
                () -> TestPause.at("rewrap.slot-written"));
        this.plaintextPending = filestore.dataDir().resolve("encryption").resolve("encrypt-plaintext-pending");
        notePlaintext(filestore.dataDir().resolve("encryption").resolve("mode"));
    }

    /**
     * Records whether this start encrypts new blobs; when it does and the last start did not (or is unknown: the
     * first start, or one before this was recorded), plaintext replicas may exist: the job is made pending.
     */
    private void notePlaintext(Path modeFile) {
        if (!encryption().encryptsNewBlobs()) {
            writeQuietly(modeFile, "off");
            return;
        }
        try {
            String previous = Files.exists(modeFile) ? Files.readString(modeFile).trim() : "";
            if (!previous.equals("on")) {
                Files.createDirectories(plaintextPending.getParent());
                Files.writeString(plaintextPending, "encryption was " + (previous.isEmpty() ? "unknown" : previous)
                        + " before " + Instant.now() + "\n");
            }
        } catch (IOException e) {
            log.warn("Cannot note that plaintext replicas may need encrypting: {}", e.toString());
        }
        writeQuietly(modeFile, "on");
    }

    private static void writeQuietly(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content + "\n");
        } catch (IOException e) {
            log.warn("Cannot write {}: {}", file, e.toString());
        }
    }

    public BlobEncryption encryption() {
        return blobs.encryption();
    }

    /**
     * Resumes an interrupted run, and starts one when the keyset holds other keys than the primary one and no run
     * under the primary key has finished (a crash right after a rotation, or a keyset changed outside the service).
     */
    @Scheduled(initialDelayString = "${filestore.encryption.resume-initial-delay:1m}", fixedDelay = 60_000)
    public void tick() {
        if (runner.running() || encryption().masterKeys().isEmpty()) {
            return;
        }
        RewrapRun last = rewrapper.lastRun();
        boolean behind = encryption().masterKeys().size() > 1
                && (last == null || last.primaryKeyId() != encryption().primaryKeyId());
        boolean plaintext = encryption().encryptsNewBlobs() && Files.exists(plaintextPending)
                && (last == null || last.finishedAt().plus(PLAINTEXT_RETRY).isBefore(Instant.now()));
        if (rewrapper.interrupted() || behind || plaintext) {
            start();
        }
    }

    /**
     * Adds a new primary master key to the keyset file and starts re-wrapping every data key with it.
     *
     * @return the new key's id
     * @throws Conflict no master key, or the keyset is in an environment variable
     */
    public synchronized int rotate() throws IOException {
        try (SingletonJobs.Held keyset = keysetLock()) {
            return rotateHolding();
        }
    }

    /**
     * The lock on the keyset file: instances sharing it change it one at a time (each builds on the file as the
     * other left it).
     */
    private SingletonJobs.Held keysetLock() {
        return jobs.tryLock(SingletonJobs.Job.KEYSET).orElseThrow(() -> new Conflict(
                "another instance is changing the master keyset now: try again in a moment"));
    }

    private int rotateHolding() throws IOException {
        if (encryption().masterKeys().isEmpty()) {
            throw new Conflict("encryption at rest has no master key (it was never enabled): nothing to rotate");
        }
        if (!encryption().keysetWritable()) {
            throw new Conflict("the master keyset comes from FILESTORE_ENCRYPTION_KEYSET, which the service cannot "
                    + "change: add a new primary key to it (Tink's tinkey: add-key, promote-key), restart, then "
                    + "POST /api/admin/encryption/rewrap");
        }
        int id = encryption().rotate();
        start(); // a run in progress ends under the old primary key: the next tick starts one under the new key
        return id;
    }

    /** Starts (or resumes) re-wrapping every data key with the current primary key. */
    public synchronized void rewrap() {
        if (encryption().masterKeys().isEmpty()) {
            throw new Conflict("encryption at rest has no master key (it was never enabled): nothing to re-wrap");
        }
        start();
    }

    /**
     * Removes a master key from the keyset file.
     *
     * @throws Conflict the key may still be needed (no complete run under the current primary key since, a run in
     *                  progress, or an upload in progress older than that run), or the keyset cannot be changed
     * @throws IllegalArgumentException no such key, or it is the primary one
     */
    public synchronized void retire(int keyId) throws IOException {
        try (SingletonJobs.Held keyset = keysetLock()) {
            retireHolding(keyId);
        }
    }

    private void retireHolding(int keyId) throws IOException {
        if (encryption().masterKeys().stream().noneMatch(key -> key.id() == keyId)) {
            throw new IllegalArgumentException("the master keyset has no key " + keyId);
        }
        if (keyId == encryption().primaryKeyId()) {
            throw new Conflict("master key " + keyId + " is the primary key: rotate first");
        }
        if (!encryption().keysetWritable()) {
            throw new Conflict("the master keyset comes from FILESTORE_ENCRYPTION_KEYSET: remove the key there "
                    + "and restart");
        }
        RewrapRun last = rewrapper.lastRun();
        if (runner.running() || rewrapper.interrupted()) {
            throw new Conflict("a re-wrap is running: retire the key when it has finished");
        }
        if (last == null || last.primaryKeyId() != encryption().primaryKeyId()) {
            throw new Conflict("no re-wrap with the primary key " + encryption().primaryKeyId() + " has finished: "
                    + "POST /api/admin/encryption/rewrap first");
        }
        if (!last.complete()) {
            throw new Conflict("the last re-wrap left " + last.failed() + " replicas whose data key it could not "
                    + "re-wrap (see failedIds): key " + keyId + " may still be needed");
        }
        long older = uploads.unfinishedCreatedBefore(last.startedAt());
        if (older > 0) {
            throw new Conflict(older + " resumable uploads in progress were started before the last re-wrap and "
                    + "may be encrypted under key " + keyId + ": retire it when they have finished or expired");
        }
        encryption().retire(keyId);
    }

    private void start() {
        runner.start(() -> {
            RewrapRun run = rewrapper.run();
            if (run != null && run.plaintext() == 0 && encryption().encryptsNewBlobs()) {
                Files.deleteIfExists(plaintextPending); // every replica is encrypted now
            }
        });
    }

    public boolean running() {
        return runner.running();
    }

    public RewrapRun current() {
        return rewrapper.current();
    }

    public RewrapRun lastRun() {
        return rewrapper.lastRun();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        rewrapper.stop();
        runner.shutdown();
    }
}
