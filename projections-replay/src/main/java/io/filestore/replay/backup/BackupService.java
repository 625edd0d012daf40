package io.filestore.replay.backup;

import io.filestore.blob.BlobStore;
import io.filestore.blob.BlobStoreException;
import io.filestore.query.TestPause;
import io.filestore.replay.LongOperations;
import io.filestore.replay.BackupSettings;
import io.filestore.replay.OperationConflictException;
import io.filestore.replay.OperationGuard;
import io.filestore.replay.OperationIds;
import io.filestore.replay.OperationState;
import io.filestore.replay.Progress;
import io.filestore.replay.StatusFiles;
import io.filestore.replay.UnknownBackupException;
import io.filestore.replay.archive.ArchiveException;
import io.filestore.replay.archive.ArchivePart;
import io.filestore.replay.archive.BackupArchive;
import io.filestore.replay.archive.BlobRef;
import io.filestore.replay.archive.Manifest;
import io.filestore.replay.archive.PartWriter;
import io.filestore.replay.store.EventStoreTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Takes backups in the background, one at a time: a consistent archive of the event store up to a global position
 * (see {@link EventStoreTables#readConsistently}) with the aggregate snapshots and the blob manifest, then an
 * incremental copy of the referenced blobs. Each backup's status is kept in {@code <id>/status.json}, so past backups
 * are listed after a restart. A backup is RUNNING in the {@code long_operation} table until it has sealed its archive
 * or failed; one that a crash interrupted is rolled back at the next start ({@link #recover()}): its partial archive
 * is removed and it shows as FAILED. A restore accepts only sealed, COMPLETED backups.
 */
@Component
public class BackupService {

    private static final Logger log = LoggerFactory.getLogger(BackupService.class);
    private static final String STATUS = "status.json";
    private static final int MAX_MISSING_IDS = 100;
    private static final long PERSIST_EVERY_MILLIS = 1000;

    private final BackupSettings settings;
    private final EventStoreTables tables;
    private final BlobStore blobStore;
    private final BackupBlobs backupBlobs;
    private final OperationGuard guard;
    private final LongOperations operations;
    private final Clock clock;
    private final ConcurrentHashMap<String, Run> running = new ConcurrentHashMap<>();

    public BackupService(BackupSettings settings, EventStoreTables tables, BlobStore blobStore, OperationGuard guard,
                         LongOperations operations) {
        this.operations = operations;
        this.settings = settings;
        this.tables = tables;
        this.blobStore = blobStore;
        this.backupBlobs = new BackupBlobs(settings.directory());
        this.guard = guard;
        this.clock = Clock.systemUTC();
    }

    /** Starts a backup in the background and returns its first status (RUNNING). */
    public BackupStatus start() {
        return start(id -> { });
    }

    /**
     * Starts a backup in the background and returns its first status (RUNNING); {@code announce} is called with the
     * backup's id before the backup reads the event store (so an event it appends, such as the audit trail's record
     * of the backup, is part of the backup). When {@code announce} fails, no backup starts.
     */
    public BackupStatus start(java.util.function.Consumer<String> announce) {
        guard.begin(OperationGuard.Kind.BACKUP);
        Path created = null;
        try {
            Files.createDirectories(settings.directory());
            Instant now = clock.instant();
            String id = OperationIds.next(now);
            Path dir = settings.directory().resolve(id);
            Files.createDirectory(dir);
            created = dir;
            announce.accept(id);
            Run run = new Run(id, dir, now);
            operations.begin(id, OperationGuard.Kind.BACKUP, run.phase, null, now);
            running.put(id, run);
            run.persist(true);
            Thread thread = new Thread(() -> execute(run), "backup-" + id);
            thread.setDaemon(true);
            thread.start();
            return run.status();
        } catch (IOException e) {
            guard.end(OperationGuard.Kind.BACKUP);
            throw new OperationConflictException("cannot create the backup directory under " + settings.directory()
                    + ": " + e.getMessage());
        } catch (RuntimeException e) {
            guard.end(OperationGuard.Kind.BACKUP);
            if (created != null && !running.containsKey(created.getFileName().toString())) {
                try {
                    Files.deleteIfExists(created);
                } catch (IOException ignored) {
                    // an empty directory without a status: listed as nothing
                }
            }
            throw e;
        }
    }

    /** Every backup, newest first. */
    public List<BackupStatus> list() {
        List<BackupStatus> backups = new ArrayList<>();
        if (!Files.isDirectory(settings.directory())) {
            return backups;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(settings.directory())) {
            for (Path dir : dirs) {
                String id = dir.getFileName().toString();
                if (OperationIds.isValid(id) && Files.isDirectory(dir)) {
                    find(id).ifPresent(backups::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + settings.directory(), e);
        }
        backups.sort(Comparator.comparing(BackupStatus::startedAt, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(BackupStatus::id).reversed());
        return backups;
    }

    public Optional<BackupStatus> find(String id) {
        if (!OperationIds.isValid(id)) {
            return Optional.empty();
        }
        Run run = running.get(id);
        if (run != null) {
            return Optional.of(run.status());
        }
        Path dir = settings.directory().resolve(id);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Optional<BackupStatus> stored = StatusFiles.read(dir.resolve(STATUS), BackupStatus.class);
        if (stored.isPresent() && stored.get().state() == OperationState.RUNNING && !operations.running(id)) {
            BackupStatus s = stored.get();
            return Optional.of(new BackupStatus(s.id(), OperationState.FAILED, s.phase(), s.startedAt(), s.endedAt(),
                    s.position(), s.events(), s.bytes(), s.snapshots(), s.archiveBytes(), s.size(), s.blobs(),
                    s.warning(), "interrupted: the service stopped during the backup"));
        }
        if (stored.isEmpty() && BackupArchive.isSealed(dir)) {
            try {
                Manifest m = BackupArchive.manifest(dir);
                long archive = m.parts().stream().mapToLong(ArchivePart::bytes).sum();
                return Optional.of(new BackupStatus(id, OperationState.COMPLETED, "DONE", m.createdAt(), null,
                        m.position(), new Progress(m.events(), m.events()), new Progress(m.blobBytes(), m.blobBytes()),
                        m.snapshots(), archive, archive + m.blobBytes(), null, null, null));
            } catch (ArchiveException e) {
                return Optional.of(new BackupStatus(id, OperationState.FAILED, "DONE", null, null, null,
                        Progress.NONE, Progress.NONE, 0, 0, 0, BackupStatus.Blobs.NONE, null,
                        "the archive is damaged: " + e.getMessage()));
            }
        }
        return stored;
    }

    /** The directory of a completed backup. */
    public Path completedBackup(String id) {
        BackupStatus status = find(id).orElseThrow(() -> new UnknownBackupException("no backup " + id));
        if (status.state() != OperationState.COMPLETED) {
            throw new OperationConflictException("backup " + id + " is " + status.state() + ", not COMPLETED"
                    + (status.error() == null ? "" : ": " + status.error()));
        }
        return settings.directory().resolve(id);
    }

    public BackupBlobs blobs() {
        return backupBlobs;
    }

    private void execute(Run run) {
        try {
            backup(run);
            run.complete(clock.instant());
            log.info("Backup {} completed: {} events up to position {}, {} blobs copied, {} already in the backup",
                    run.id, run.eventsDone, run.position, run.copied, run.alreadyInBackup);
        } catch (RuntimeException | IOException e) {
            log.error("Backup {} failed: {}", run.id, e.toString(), e);
            run.fail(clock.instant(), message(e));
            deleteArchive(run.dir);
        } finally {
            run.persist(true);
            try {
                operations.finish(run.id, run.state, run.error, run.endedAt == null ? clock.instant() : run.endedAt);
            } catch (RuntimeException e) {
                log.error("Backup {}: cannot record its end ({})", run.id, e.toString());
            }
            running.remove(run.id);
            guard.end(OperationGuard.Kind.BACKUP);
        }
    }

    /**
     * At start: every backup a crash left unfinished is rolled back. Its partial archive is removed (the blob
     * copies it made stay: they are complete, verified files that the next backup finds), and it shows as FAILED.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void recover() {
        try {
            recoverAll();
        } catch (RuntimeException e) {
            log.error("Cannot roll back the interrupted backups: {}", e.toString(), e);
        }
    }

    private void recoverAll() {
        // a backup RUNNING in the table may be running on another live instance: it holds the backup lock then
        if (!guard.beginRecovery(OperationGuard.Kind.BACKUP, java.time.Duration.ZERO)) {
            return;
        }
        try {
            rollBackInterrupted();
        } finally {
            guard.end(OperationGuard.Kind.BACKUP);
        }
    }

    private void rollBackInterrupted() {
        for (LongOperations.Operation operation : operations.unfinished(OperationGuard.Kind.BACKUP)) {
            String why = "interrupted in phase " + operation.phase() + " by a stop of the service: rolled back, "
                    + "the partial archive was removed";
            Instant now = clock.instant();
            Path dir = settings.directory().resolve(operation.id());
            if (OperationIds.isValid(operation.id()) && BackupArchive.isSealed(dir)) {
                // the crash came after the archive was sealed: the backup is complete (its manifest tells its status)
                try {
                    Files.deleteIfExists(dir.resolve(STATUS));
                } catch (IOException e) {
                    log.warn("Cannot remove the stale status of backup {}: {}", operation.id(), e.toString());
                }
                operations.finish(operation.id(), OperationState.COMPLETED, null, now);
                log.info("Backup {} had sealed its archive before the service stopped: it is complete", operation.id());
                continue;
            }
            if (OperationIds.isValid(operation.id()) && Files.isDirectory(dir)) {
                deleteArchive(dir);
                Optional<BackupStatus> stored = StatusFiles.read(dir.resolve(STATUS), BackupStatus.class);
                BackupStatus s = stored.orElse(new BackupStatus(operation.id(), OperationState.FAILED,
                        operation.phase(), operation.startedAt(), now, null, Progress.NONE, Progress.NONE, 0, 0, 0,
                        BackupStatus.Blobs.NONE, null, why));
                StatusFiles.write(dir.resolve(STATUS), new BackupStatus(s.id(), OperationState.FAILED, s.phase(),
                        s.startedAt(), now, s.position(), s.events(), s.bytes(), s.snapshots(), s.archiveBytes(),
                        s.size(), s.blobs(), s.warning(), why));
            }
            operations.finish(operation.id(), OperationState.FAILED, why, now);
            log.warn("Backup {} was {}", operation.id(), why);
        }
    }

    private void backup(Run run) throws IOException {
        Path dir = run.dir;
        ArchivePart[] parts = new ArchivePart[3];
        tables.readConsistently(settings.lockTimeout(), (connection, position) -> {
            run.position = position;
            run.eventsTotal = tables.countEvents(connection, position);
            run.persist(true);
            try (PartWriter blobs = BackupArchive.createPart(dir, BackupArchive.BLOBS)) {
                tables.streamBlobReferences(connection, position, ref -> {
                    blobs.write(ref);
                    run.referenced++;
                    run.bytesTotal += ref.size();
                });
                parts[2] = blobs.finish();
            }
            try (PartWriter events = BackupArchive.createPart(dir, BackupArchive.EVENTS)) {
                tables.streamEvents(connection, position, row -> {
                    events.write(row);
                    if (run.firstEventAt == null) {
                        run.firstEventAt = row.timeStamp();
                    }
                    run.lastEventAt = row.timeStamp();
                    run.eventsDone++;
                    run.persist(false);
                    TestPause.at("backup.events");
                });
                parts[0] = events.finish();
            }
            try (PartWriter snapshots = BackupArchive.createPart(dir, BackupArchive.SNAPSHOTS)) {
                tables.streamSnapshots(connection, position, snapshots::write);
                parts[1] = snapshots.finish();
                run.snapshots = parts[1].entries();
            }
            return null;
        });
        run.archiveBytes = parts[0].bytes() + parts[1].bytes() + parts[2].bytes();
        run.phase = "BLOBS";
        run.persist(true);
        operations.phase(run.id, run.phase, null);
        TestPause.at("backup.blobs");
        BackupArchive.forEachBlob(dir, ref -> copy(run, ref));
        Manifest manifest = new Manifest(BackupArchive.FORMAT, run.id, run.startedAt, run.position, run.eventsDone,
                run.snapshots, run.referenced, run.bytesTotal, run.firstEventAt, run.lastEventAt,
                List.of(parts[0], parts[1], parts[2]));
        BackupArchive.seal(dir, manifest);
    }

    private void copy(Run run, BlobRef ref) {
        if (backupBlobs.contains(ref.sha256(), ref.size())) {
            run.alreadyInBackup++;
        } else {
            try {
                backupBlobs.copyFrom(blobStore, ref.sha256(), ref.size());
                run.copied++;
            } catch (BlobStoreException | IOException e) {
                if (ref.live()) {
                    run.missing++;
                    if (run.missingIds.size() < MAX_MISSING_IDS) {
                        run.missingIds.add(ref.sha256());
                    }
                    log.warn("Backup {}: blob {} of a live file cannot be copied: {}", run.id, ref.sha256(),
                            e.getMessage());
                } else {
                    run.notNeeded++;
                }
            }
        }
        run.bytesDone += ref.size();
        run.persist(false);
    }

    /** A failed backup keeps only its status: its partial archive files are removed. */
    private static void deleteArchive(Path dir) {
        for (String name : List.of(BackupArchive.EVENTS, BackupArchive.SNAPSHOTS, BackupArchive.BLOBS,
                BackupArchive.MANIFEST, BackupArchive.SUMS)) {
            try {
                Files.deleteIfExists(dir.resolve(name));
            } catch (IOException e) {
                log.warn("Cannot remove {} of a failed backup: {}", dir.resolve(name), e.toString());
            }
        }
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, "*.tmp")) {
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            log.warn("Cannot remove the temporary files of a failed backup in {}: {}", dir, e.toString());
        }
    }

    private static String message(Exception e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    /** A running backup's progress; written by its thread, read by status requests. */
    private final class Run {
        final String id;
        final Path dir;
        final Instant startedAt;
        volatile OperationState state = OperationState.RUNNING;
        volatile String phase = "EVENTS";
        volatile Instant endedAt;
        volatile Long position;
        volatile long eventsDone;
        volatile long eventsTotal;
        volatile long bytesDone;
        volatile long bytesTotal;
        volatile long snapshots;
        volatile long archiveBytes;
        volatile long referenced;
        volatile long copied;
        volatile long alreadyInBackup;
        volatile long notNeeded;
        volatile long missing;
        final List<String> missingIds = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile String error;
        String firstEventAt;
        String lastEventAt;
        private long persistedAt;

        Run(String id, Path dir, Instant startedAt) {
            this.id = id;
            this.dir = dir;
            this.startedAt = startedAt;
        }

        void complete(Instant at) {
            phase = "DONE";
            endedAt = at;
            state = OperationState.COMPLETED;
        }

        void fail(Instant at, String why) {
            endedAt = at;
            error = why;
            state = OperationState.FAILED;
        }

        BackupStatus status() {
            String warning = missing == 0 ? null : missing + " blob(s) of live files could not be copied from the "
                    + "blob store; a restore from this backup cannot serve them unless the blob store still has them";
            BackupStatus status = new BackupStatus(id, state, phase, startedAt, endedAt, position,
                    new Progress(eventsDone, eventsTotal), new Progress(bytesDone, bytesTotal), snapshots,
                    archiveBytes, archiveBytes + bytesTotal,
                    new BackupStatus.Blobs(referenced, copied, alreadyInBackup, notNeeded, missing,
                            List.copyOf(missingIds)),
                    warning, error);
            return status;
        }

        void persist(boolean now) {
            long millis = System.currentTimeMillis();
            if (now || millis - persistedAt >= PERSIST_EVERY_MILLIS) {
                persistedAt = millis;
                StatusFiles.write(dir.resolve(STATUS), status());
            }
        }
    }
}
