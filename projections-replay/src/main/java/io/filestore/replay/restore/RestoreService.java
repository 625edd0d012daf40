package io.filestore.replay.restore;

import io.filestore.blob.BlobStore;
import io.filestore.replay.BackupSettings;
import io.filestore.replay.InvalidRequestException;
import io.filestore.replay.OperationConflictException;
import io.filestore.query.ProcessorControl;
import io.filestore.query.TestPause;
import io.filestore.query.search.api.SearchIndexAdministration;
import io.filestore.replay.LongOperations;
import io.filestore.replay.OperationGuard;
import io.filestore.replay.OperationIds;
import io.filestore.replay.OperationState;
import io.filestore.replay.Progress;
import io.filestore.replay.StatusFiles;
import io.filestore.replay.archive.ArchiveException;
import io.filestore.replay.archive.BackupArchive;
import io.filestore.replay.archive.ValidatedArchive;
import io.filestore.replay.backup.BackupService;
import io.filestore.replay.projection.ProjectionStatus;
import io.filestore.replay.projection.Projections;
import io.filestore.replay.projection.ReplayTimeoutException;
import io.filestore.replay.store.EventStoreTables;
import io.filestore.replay.store.RowCopier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Restores a backup in the background, in this order:
 * <ol>
 * <li>validate the whole archive (checksums, sizes, counts, every entry): a truncated or altered archive fails here
 *     and nothing has been touched;</li>
 * <li>refuse commands (maintenance mode) and stop the projections;</li>
 * <li>in one transaction: lock the event store, check it is empty or (when asked to replace it) move it aside into
 *     a schema, load the events up to the restore position and the snapshots consistent with them, set the global
 *     index sequence, forget the projections' positions and reset them (clearing their views); a failure rolls
 *     all of it back;</li>
 * <li>start the projections, which replay every event from the start, and wait until each has processed the last
 *     restored event and the search index has been rebuilt;</li>
 * <li>verify every blob the restored files reference, restoring missing ones from the backup location;</li>
 * <li>accept commands again, and report a digest of each projection's rebuilt views.</li>
 * </ol>
 * Status is kept in {@code <backup-dir>/restores/<id>.json}; the phase is also kept in the {@code long_operation}
 * table, the change to {@code REPLAYING} in the same transaction as the loaded events. After a crash, the next start
 * (see {@link #recover()}) rolls back a restore that had not committed its events (nothing was changed: it is marked
 * FAILED) and resumes any other from its replay: commands stay refused (maintenance holds across the restart), the
 * processors continue their replay from their stored positions, the search index is rebuilt if its rebuild was
 * interrupted, and the blobs are verified and copied back.
 *
 * <p>With several instances on the database, the restore runs on the instance that received the request and every
 * other one follows it ({@link RestoreFollower}): once the restore is loading they refuse commands too and stop
 * their event processors, and the load waits until each live process has said so in {@link RestorePauses} (at most
 * {@code pause-timeout}; otherwise it fails and nothing is changed). The replay then runs here; the others start
 * their processors again when the restore has ended. If this instance dies meanwhile, another live one takes the
 * restore over within a second (it can take the restore lock only once this one's session is gone) and rolls it
 * back or resumes it, as a restart would.
 */
@Component
public class RestoreService {

    private static final Logger log = LoggerFactory.getLogger(RestoreService.class);

    private final BackupSettings settings;
    private final BackupService backups;
    private final EventStoreTables tables;
    private final Projections projections;
    private final MaintenanceMode maintenance;
    private final OperationGuard guard;
    private final ProcessorControl control;
    private final BlobStore blobStore;
    private final DataSource dataSource;
    private final TransactionTemplate transaction;
    private final LongOperations operations;
    private final SearchIndexAdministration search;
    private final org.axonframework.eventhandling.EventBus eventBus;
    private final RestorePauses pauses;
    private final io.filestore.replay.ClusterProcesses processes;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Run> running = new ConcurrentHashMap<>();
    private volatile boolean startRecoveryDone;

    public RestoreService(BackupSettings settings, BackupService backups, EventStoreTables tables,
                          Projections projections, MaintenanceMode maintenance, OperationGuard guard,
                          ProcessorControl control, BlobStore blobStore, DataSource dataSource,
                          PlatformTransactionManager transactionManager, LongOperations operations,
                          SearchIndexAdministration search, org.axonframework.eventhandling.EventBus eventBus,
                          RestorePauses pauses, io.filestore.replay.ClusterProcesses processes) {
        this.eventBus = eventBus;
        this.pauses = pauses;
        this.processes = processes;
        this.operations = operations;
        this.search = search;
        this.settings = settings;
        this.backups = backups;
        this.tables = tables;
        this.projections = projections;
        this.maintenance = maintenance;
        this.guard = guard;
        this.control = control;
        this.blobStore = blobStore;
        this.dataSource = dataSource;
        this.transaction = new TransactionTemplate(transactionManager);
    }

    /** Checks the request, then starts the restore in the background and returns its first status. */
    public RestoreStatus start(RestoreRequest request) {
        if (request.backupId() == null || request.backupId().isBlank()) {
            throw new InvalidRequestException("backupId", "backupId is required");
        }
        if (!OperationIds.isValid(request.backupId())) {
            throw new InvalidRequestException("backupId", "'" + request.backupId() + "' is not a backup id");
        }
        if (request.pointInTime() != null && request.position() != null) {
            throw new InvalidRequestException("pointInTime", "give either pointInTime or position, not both");
        }
        if (request.position() != null && request.position() < 0) {
            throw new InvalidRequestException("position", "position must not be negative");
        }
        Path dir = backups.completedBackup(request.backupId());
        guard.begin(OperationGuard.Kind.RESTORE);
        try {
            if (!request.replace() && tables.head() > 0 && !tables.holdsOnlyBootstrap()) {
                throw new OperationConflictException("the event store is not empty: restore into an empty store, or "
                        + "ask to replace it (replace: true), which moves the current store aside first");
            }
            Instant now = clock.instant();
            Run run = new Run(OperationIds.next(now), request, now);
            running.put(run.id, run); // before its row: this instance's follower never takes the row for another's
            try {
                operations.begin(run.id, OperationGuard.Kind.RESTORE, run.phase, run.status(), now);
            } catch (RuntimeException e) {
                running.remove(run.id);
                throw e;
            }
            run.persist();
            Thread thread = new Thread(() -> execute(run, dir), "restore-" + run.id);
            thread.setDaemon(true);
            thread.start();
            return run.status();
        } catch (RuntimeException e) {
            guard.end(OperationGuard.Kind.RESTORE);
            throw e;
        }
    }

    /** Every restore, newest first. */
    public List<RestoreStatus> list() {
        List<RestoreStatus> restores = new ArrayList<>();
        Path dir = restoresDir();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
                for (Path file : files) {
                    String id = file.getFileName().toString().replace(".json", "");
                    if (OperationIds.isValid(id)) {
                        find(id).ifPresent(restores::add);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir, e);
            }
        }
        restores.sort(Comparator.comparing(RestoreStatus::startedAt).thenComparing(RestoreStatus::id).reversed());
        return restores;
    }

    public Optional<RestoreStatus> find(String id) {
        if (!OperationIds.isValid(id)) {
            return Optional.empty();
        }
        Run run = running.get(id);
        if (run != null) {
            return Optional.of(run.status());
        }
        return StatusFiles.read(restoresDir().resolve(id + ".json"), RestoreStatus.class).map(s ->
                s.state() != OperationState.RUNNING || operations.running(s.id()) ? s : new RestoreStatus(s.id(), s.backupId(),
                        OperationState.FAILED, s.phase(), s.startedAt(), s.endedAt(), s.pointInTime(),
                        s.requestedPosition(), s.position(), s.replace(), s.movedAsideTo(), s.events(), s.replay(),
                        s.projections(), s.blobs(), s.digests(), "interrupted: the service stopped during the restore",
                        s.requestedBy(), s.clientAddress()));
    }

    private Path restoresDir() {
        return settings.directory().resolve("restores");
    }

    private void execute(Run run, Path dir) {
        List<StreamingEventProcessor> processors = projections.all();
        try {
            run.phase("VALIDATING");
            ValidatedArchive archive = BackupArchive.validate(dir, run.request.backupId(), run.request.pointInTime(),
                    run.request.position());
            run.position = archive.restorePosition();
            run.eventsTotal = archive.eventsToRestore();
            run.phase("LOADING");
            maintenance.begin(run.id);
            awaitOthersPaused(run);
            control.exclusively(() -> {
                processors.forEach(StreamingEventProcessor::shutDown);
                try {
                    transaction.executeWithoutResult(status -> load(run, dir, archive, processors));
                    run.persist();
                    TestPause.at("restore.replay");
                } finally {
                    processors.forEach(StreamingEventProcessor::start);
                }
            });
            afterLoading(run, processors);
        } catch (ArchiveException | OperationConflictException e) {
            log.error("Restore {} of backup {} failed, nothing was changed: {}", run.id, run.request.backupId(),
                    e.getMessage());
            run.fail(clock.instant(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("Restore {} of backup {} failed: {}", run.id, run.request.backupId(), e.toString(), e);
            run.fail(clock.instant(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } finally {
            finish(run);
        }
    }

    /** Whether restore {@code id} runs (or is being resumed) in this process. */
    public boolean runsHere(String id) {
        return running.containsKey(id);
    }

    /**
     * Waits until every other live process has stopped its event processors for this restore (they follow its
     * LOADING phase in the table): the load deletes and resets the processors' tokens.
     *
     * @throws OperationConflictException when one has not within {@code pause-timeout} (nothing changed)
     */
    private void awaitOthersPaused(Run run) {
        long deadline = System.nanoTime() + settings.pauseTimeout().toNanos();
        java.util.Set<String> missing = java.util.Set.of();
        while (true) {
            try {
                missing = new java.util.TreeSet<>(processes.others());
                missing.removeAll(pauses.pausedFor(run.id));
                if (missing.isEmpty()) {
                    return;
                }
            } catch (RuntimeException e) {
                log.warn("Restore {}: cannot tell whether the other instances have paused: {}", run.id, e.toString());
            }
            if (System.nanoTime() > deadline) {
                throw new OperationConflictException("other instances did not stop their event processors within "
                        + settings.pauseTimeout() + " (" + String.join(", ", missing) + "); nothing was changed");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationConflictException("interrupted while waiting for the other instances to pause");
            }
        }
    }

    /** From the replay on: the part of a restore that a restart resumes. */
    private void afterLoading(Run run, List<StreamingEventProcessor> processors) {
        long head = tables.head();
        projections.awaitCaughtUp(processors, head, settings.replayTimeout(), position -> {
            run.replayed = Math.max(0, position);
            run.replayHead = head;
            run.persistThrottled();
        });
        run.projections = projections.status();
        TestPause.at("restore.replay.late");
        awaitSearchIndex();
        run.phase("VERIFYING_BLOBS");
        BlobVerifier verifier = new BlobVerifier(blobStore, backups.blobs());
        run.verifier = verifier;
        tables.readConsistently(settings.lockTimeout(), (connection, position) -> {
            tables.streamBlobReferences(connection, position, ref -> {
                verifier.check(ref);
                TestPause.at("restore.blobs");
                run.persistThrottled();
            });
            return null;
        });
        maintenance.end();
        run.phase("DIGESTING");
        run.digests = projections.digests();
        recordInTrail(run);
        run.complete(clock.instant());
        log.info("Restore {} of backup {} completed up to position {}: {} events, blobs {}", run.id,
                run.request.backupId(), run.position, run.eventsLoaded, verifier.result());
    }

    /**
     * Appends the fact of this restore to the restored store (after the digests, which describe the restored
     * history), with the restore's id as event identifier: a restore resumed after a crash that came after the
     * append finds it there and records nothing twice.
     */
    private void recordInTrail(Run run) {
        RestoreRequest request = run.request;
        io.filestore.command.api.UserId by = null;
        if (request.requestedBy() != null) {
            try {
                by = new io.filestore.command.api.UserId(request.requestedBy());
            } catch (RuntimeException e) {
                log.warn("Restore {}: requester '{}' is not a user id", run.id, request.requestedBy());
            }
        }
        String identifier = "restore-" + run.id;
        if (tables.holdsEvent(identifier)) {
            return;
        }
        java.util.Map<String, Object> metaData = request.clientAddress() == null ? java.util.Map.of()
                : java.util.Map.of(io.filestore.query.audit.AuditProjection.CLIENT_ADDRESS, request.clientAddress());
        eventBus.publish(new org.axonframework.eventhandling.GenericEventMessage<>(
                new org.axonframework.messaging.GenericMessage<>(identifier,
                        new io.filestore.command.api.StoreRestoredEvent(run.id, request.backupId(), run.position,
                                request.pointInTime(), request.replace(), by), metaData), clock::instant));
    }

    /** Waits until the search index that the replay rebuilds is complete (its alias swap follows the replay). */
    private void awaitSearchIndex() {
        long deadline = System.nanoTime() + settings.replayTimeout().toNanos();
        String why;
        while ((why = search.incompleteBecause()) != null) {
            if (System.nanoTime() > deadline) {
                throw new ReplayTimeoutException("the search index was not rebuilt within "
                        + settings.replayTimeout() + ": " + why);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ReplayTimeoutException("interrupted while waiting for the search index");
            }
        }
    }

    private void finish(Run run) {
        maintenance.end();
        run.persist();
        try {
            operations.finish(run.id, run.state, run.error, run.endedAt == null ? clock.instant() : run.endedAt);
        } catch (RuntimeException e) {
            log.error("Restore {}: cannot record its end ({}); the next start resumes it", run.id, e.toString());
        }
        try {
            pauses.forget(run.id);
        } catch (RuntimeException e) {
            log.warn("Restore {}: cannot clear the other instances' pauses: {}", run.id, e.toString());
        }
        running.remove(run.id);
        guard.end(OperationGuard.Kind.RESTORE);
    }

    /**
     * At start: every restore a crash left unfinished is rolled back when it had not committed its events (they
     * are loaded in one transaction, which the crash aborted: nothing was changed), and resumed otherwise.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void recover() {
        try {
            recover(java.time.Duration.ofMinutes(1), () -> { });
        } finally {
            startRecoveryDone = true;
        }
    }

    /** Whether the recovery at start has run ({@link RestoreFollower} leaves it the first look). */
    boolean startRecoveryDone() {
        return startRecoveryDone;
    }

    /**
     * Takes over the restores an instance that died left unfinished (as {@link #recover()} does at start), if no
     * live instance runs them: {@code beforeResume} runs before one is resumed here (the follower starts its
     * processors, which the replay needs).
     *
     * @return false when another live instance holds the restore lock (it runs the restore)
     */
    public boolean recoverOrphaned(Runnable beforeResume) {
        return recover(java.time.Duration.ZERO, beforeResume);
    }

    private boolean recover(java.time.Duration wait, Runnable beforeResume) {
        // a restore RUNNING in the table may be running on another live instance: it holds the restore lock then
        if (!guard.beginRecovery(OperationGuard.Kind.RESTORE, wait)) {
            return false;
        }
        boolean handedOver = false;
        try {
            for (LongOperations.Operation operation : operations.unfinished(OperationGuard.Kind.RESTORE)) {
                if (handedOver) {
                    log.warn("Restore {} waits for the next start: another one is being resumed", operation.id());
                    continue;
                }
                handedOver = recover(operation, beforeResume);
            }
        } catch (RuntimeException e) {
            // never stop the start: maintenance stays on (the row is RUNNING) and the next start tries again
            log.error("Cannot resume or roll back the interrupted restores: {}", e.toString(), e);
        } finally {
            if (!handedOver) {
                guard.end(OperationGuard.Kind.RESTORE);
            }
        }
        return true;
    }

    /** Rolls back or resumes one interrupted restore; true when it resumes (its thread then ends the guard). */
    private boolean recover(LongOperations.Operation operation, Runnable beforeResume) {
        {
            RestoreStatus stored = operation.detail(RestoreStatus.class);
            Instant now = clock.instant();
            if (operation.phase().equals("VALIDATING") || operation.phase().equals("LOADING")) {
                String why = "interrupted in phase " + operation.phase() + " by a stop of the service, before the "
                        + "restored events were committed: rolled back, nothing was changed";
                log.warn("Restore {} of backup {} was {}", operation.id(), stored.backupId(), why);
                StatusFiles.write(restoresDir().resolve(operation.id() + ".json"), new RestoreStatus(stored.id(),
                        stored.backupId(), OperationState.FAILED, operation.phase(), stored.startedAt(), now,
                        stored.pointInTime(), stored.requestedPosition(), stored.position(), stored.replace(),
                        null, stored.events(), stored.replay(), stored.projections(), stored.blobs(), Map.of(), why,
                        stored.requestedBy(), stored.clientAddress()));
                operations.finish(operation.id(), OperationState.FAILED, why, now);
                maintenance.end();
                return false;
            }
            // the events are loaded and the tokens reset: other instances follow (their processors stay stopped
            // until the restore has ended), nothing more is reset
            beforeResume.run();
            Run run = new Run(stored.id(), new RestoreRequest(stored.backupId(), stored.pointInTime(),
                    stored.requestedPosition(), stored.replace(), stored.requestedBy(), stored.clientAddress()),
                    stored.startedAt());
            run.phase = operation.phase();
            run.position = stored.position();
            run.movedAsideTo = stored.movedAsideTo();
            run.eventsLoaded = stored.events().done();
            run.eventsTotal = stored.events().total();
            running.put(run.id, run);
            maintenance.begin(run.id);
            log.warn("Restore {} of backup {} was interrupted in phase {} by a stop of the service; resuming it "
                    + "(commands stay refused until it has finished)", run.id, stored.backupId(), run.phase);
            Thread thread = new Thread(() -> resume(run), "restore-" + run.id);
            thread.setDaemon(true);
            thread.start();
            return true;
        }
    }

    private void resume(Run run) {
        try {
            run.persist();
            TestPause.at("restore.resume");
            afterLoading(run, projections.all());
        } catch (RuntimeException e) {
            log.error("Resumed restore {} of backup {} failed: {}", run.id, run.request.backupId(), e.toString(), e);
            run.fail(clock.instant(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } finally {
            finish(run);
        }
    }

    /** Runs inside the restore transaction. */
    private void load(Run run, Path dir, ValidatedArchive archive, List<StreamingEventProcessor> processors) {
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            tables.lockForRestore(connection, settings.lockTimeout());
            if (!tables.isEmpty(connection)) {
                if (!run.request.replace() && !tables.holdsOnlyBootstrap(connection)) {
                    throw new OperationConflictException("the event store is not empty: restore into an empty store,"
                            + " or ask to replace it (replace: true), which moves the current store aside first");
                }
                String schema = "store_before_" + run.id.toLowerCase(Locale.ROOT).replace('-', '_');
                tables.moveAside(connection, schema);
                run.movedAsideTo = schema;
                log.info("Restore {}: the current event store was moved aside into schema {}", run.id, schema);
            } else {
                tables.clearSnapshots(connection);
            }
            try (RowCopier events = tables.copyEvents(connection)) {
                BackupArchive.forEachEvent(dir, archive.restorePosition(), row -> {
                    events.add(row);
                    run.eventsLoaded++;
                    run.persistThrottled();
                });
                events.finish();
            }
            try (RowCopier snapshots = tables.copySnapshots(connection)) {
                BackupArchive.forEachSnapshot(dir, snapshots::add);
                snapshots.finish();
            }
            tables.deleteSnapshotsWithoutEvents(connection);
            tables.advanceSequence(connection);
            tables.deleteTokens(connection, processors.stream().map(StreamingEventProcessor::getName).toList());
            processors.forEach(StreamingEventProcessor::resetTokens);
            TestPause.at("restore.loading");
            run.phase = "REPLAYING";
            operations.phase(run.id, run.phase, run.status()); // committed with the events: a restart resumes
        } catch (SQLException e) {
            throw new RestoreFailedException("loading the events failed: " + e.getMessage(), e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    private final class Run {
        final String id;
        final RestoreRequest request;
        final Instant startedAt;
        volatile OperationState state = OperationState.RUNNING;
        volatile String phase = "VALIDATING";
        volatile Instant endedAt;
        volatile Long position;
        volatile String movedAsideTo;
        volatile long eventsLoaded;
        volatile long eventsTotal;
        volatile long replayed;
        volatile long replayHead;
        volatile List<ProjectionStatus> projections = List.of();
        volatile BlobVerifier verifier;
        volatile Map<String, String> digests = Map.of();
        volatile String error;
        private long persistedAt;

        Run(String id, RestoreRequest request, Instant startedAt) {
            this.id = id;
            this.request = request;
            this.startedAt = startedAt;
        }

        void phase(String phase) {
            this.phase = phase;
            persist();
            operations.phase(id, phase, status());
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

        RestoreStatus status() {
            BlobVerifier blobs = verifier;
            return new RestoreStatus(id, request.backupId(), state, phase, startedAt, endedAt, request.pointInTime(),
                    request.position(), position, request.replace(), movedAsideTo,
                    new Progress(eventsLoaded, eventsTotal), new Progress(replayed, replayHead), projections,
                    blobs == null ? RestoreStatus.BlobCheck.NONE : blobs.result(), digests, error,
                    request.requestedBy(), request.clientAddress());
        }

        void persistThrottled() {
            long now = System.currentTimeMillis();
            if (now - persistedAt >= 1000) {
                persist();
            }
        }

        void persist() {
            persistedAt = System.currentTimeMillis();
            StatusFiles.write(restoresDir().resolve(id + ".json"), status());
        }
    }
}
