package io.filestore.replay.restore;

import io.filestore.blob.BlobStore;
import io.filestore.replay.BackupSettings;
import io.filestore.replay.InvalidRequestException;
import io.filestore.replay.OperationConflictException;
import io.filestore.query.ProcessorControl;
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
 *     restored event;</li>
 * <li>verify every blob the restored files reference, restoring missing ones from the backup location;</li>
 * <li>accept commands again, and report a digest of each projection's rebuilt views.</li>
 * </ol>
 * Status is kept in {@code <backup-dir>/restores/<id>.json}.
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
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Run> running = new ConcurrentHashMap<>();

    public RestoreService(BackupSettings settings, BackupService backups, EventStoreTables tables,
                          Projections projections, MaintenanceMode maintenance, OperationGuard guard,
                          ProcessorControl control, BlobStore blobStore, DataSource dataSource, PlatformTransactionManager transactionManager) {
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
            running.put(run.id, run);
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
                s.state() != OperationState.RUNNING ? s : new RestoreStatus(s.id(), s.backupId(),
                        OperationState.FAILED, s.phase(), s.startedAt(), s.endedAt(), s.pointInTime(),
                        s.requestedPosition(), s.position(), s.replace(), s.movedAsideTo(), s.events(), s.replay(),
                        s.projections(), s.blobs(), s.digests(), "interrupted: the service stopped during the restore"));
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
            control.exclusively(() -> {
                processors.forEach(StreamingEventProcessor::shutDown);
                try {
                    transaction.executeWithoutResult(status -> load(run, dir, archive, processors));
                } finally {
                    processors.forEach(StreamingEventProcessor::start);
                }
            });
            run.phase("REPLAYING");
            long head = tables.head();
            projections.awaitCaughtUp(processors, head, settings.replayTimeout(), position -> {
                run.replayed = Math.max(0, position);
                run.replayHead = head;
                run.persistThrottled();
            });
            run.projections = projections.status();
            run.phase("VERIFYING_BLOBS");
            BlobVerifier verifier = new BlobVerifier(blobStore, backups.blobs());
            run.verifier = verifier;
            tables.readConsistently(settings.lockTimeout(), (connection, position) -> {
                tables.streamBlobReferences(connection, position, ref -> {
                    verifier.check(ref);
                    run.persistThrottled();
                });
                return null;
            });
            maintenance.end();
            run.phase("DIGESTING");
            run.digests = projections.digests();
            run.complete(clock.instant());
            log.info("Restore {} of backup {} completed up to position {}: {} events, blobs {}", run.id,
                    run.request.backupId(), run.position, run.eventsLoaded, verifier.result());
        } catch (ArchiveException | OperationConflictException e) {
            log.error("Restore {} of backup {} failed, nothing was changed: {}", run.id, run.request.backupId(),
                    e.getMessage());
            run.fail(clock.instant(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("Restore {} of backup {} failed: {}", run.id, run.request.backupId(), e.toString(), e);
            run.fail(clock.instant(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } finally {
            maintenance.end();
            run.persist();
            running.remove(run.id);
            guard.end(OperationGuard.Kind.RESTORE);
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
                    blobs == null ? RestoreStatus.BlobCheck.NONE : blobs.result(), digests, error);
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
