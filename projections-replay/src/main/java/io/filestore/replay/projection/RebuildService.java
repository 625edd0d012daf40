package io.filestore.replay.projection;

import io.filestore.query.TestPause;
import io.filestore.replay.BackupSettings;
import io.filestore.replay.LongOperations;
import io.filestore.replay.OperationGuard;
import io.filestore.replay.OperationIds;
import io.filestore.replay.OperationState;
import io.filestore.replay.Progress;
import io.filestore.replay.store.EventStoreTables;
import io.filestore.query.ViewDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Rebuilds one projection on demand while the service keeps serving: resets its processor (its views are cleared
 * and refilled from the start of the event store) and follows the replay until it has caught up with the head of
 * the store as it was when the rebuild began. One rebuild at a time; the last 20 are kept in memory. A rebuild is
 * RUNNING in the {@code long_operation} table until it ends: phase {@code RESETTING} until the processor's reset is
 * committed, then {@code REPLAYING}. After a crash the next start ({@link #recover()}) resumes it: a rebuild still
 * resetting is started again, a replaying one is followed until it has caught up (the processor continues its replay
 * from its stored position by itself).
 */
@Component
public class RebuildService {

    private static final Logger log = LoggerFactory.getLogger(RebuildService.class);
    private static final int KEPT = 20;

    private final Projections projections;
    private final EventStoreTables tables;
    private final OperationGuard guard;
    private final BackupSettings settings;
    private final LongOperations operations;
    private final Clock clock = Clock.systemUTC();
    private final Deque<Run> runs = new ConcurrentLinkedDeque<>();

    public RebuildService(Projections projections, EventStoreTables tables, OperationGuard guard,
                          BackupSettings settings, LongOperations operations) {
        this.operations = operations;
        this.projections = projections;
        this.tables = tables;
        this.guard = guard;
        this.settings = settings;
    }

    /** Starts rebuilding the projection of {@code group} and returns its first status. */
    public RebuildStatus start(String group) {
        StreamingEventProcessor processor = projections.byGroup(group);
        projections.requireResettable(processor);
        guard.begin(OperationGuard.Kind.REBUILD);
        try {
            Instant now = clock.instant();
            Run run = new Run(OperationIds.next(now), group, now, tables.head());
            operations.begin(run.id, OperationGuard.Kind.REBUILD, "RESETTING", run.status(), now);
            keep(run);
            Thread thread = new Thread(() -> execute(run, processor, true), "rebuild-" + run.id);
            thread.setDaemon(true);
            thread.start();
            return run.status();
        } catch (RuntimeException e) {
            guard.end(OperationGuard.Kind.REBUILD);
            throw e;
        }
    }

    /** The recent rebuilds, newest first. */
    public List<RebuildStatus> list() {
        List<RebuildStatus> result = new ArrayList<>();
        runs.forEach(run -> result.add(run.status()));
        return result;
    }

    private void keep(Run run) {
        runs.addFirst(run);
        while (runs.size() > KEPT) {
            runs.removeLast();
        }
    }

    /** Whether a projection rebuild is running (its views are incomplete until it has caught up). */
    public java.util.Optional<RebuildStatus> running() {
        return runs.stream().filter(r -> r.state == OperationState.RUNNING).findFirst().map(Run::status);
    }

    /** At start: resumes every rebuild a crash left unfinished (see the class comment). */
    @EventListener(ApplicationReadyEvent.class)
    public void recover() {
        try {
            recoverAll();
        } catch (RuntimeException e) {
            log.error("Cannot resume the interrupted projection rebuilds: {}", e.toString(), e);
        }
    }

    private void recoverAll() {
        // a rebuild RUNNING in the table may be running on another live instance: it holds the rebuild lock then
        if (!guard.beginRecovery(OperationGuard.Kind.REBUILD, java.time.Duration.ofMinutes(1))) {
            return;
        }
        boolean handedOver = false;
        try {
            for (LongOperations.Operation operation : operations.unfinished(OperationGuard.Kind.REBUILD)) {
                RebuildStatus stored = operation.detail(RebuildStatus.class);
                StreamingEventProcessor processor;
                try {
                    processor = projections.byGroup(stored.projection());
                } catch (RuntimeException e) {
                    operations.finish(operation.id(), OperationState.FAILED, "no projection " + stored.projection(),
                            clock.instant());
                    continue;
                }
                if (handedOver) {
                    log.warn("Rebuild {} of projection {} waits for the next start: another one is being resumed",
                            operation.id(), stored.projection());
                    continue;
                }
                boolean reset = operation.phase().equals("RESETTING");
                if (reset) {
                    guard.requireAlone(OperationGuard.Kind.REBUILD);
                }
                Run run = new Run(operation.id(), stored.projection(), stored.startedAt(),
                        reset ? tables.head() : stored.progress().total());
                keep(run);
                log.warn("Rebuild of projection {} was interrupted in phase {} by a stop of the service; resuming it",
                        run.projection, operation.phase());
                Thread thread = new Thread(() -> execute(run, processor, reset), "rebuild-" + run.id);
                thread.setDaemon(true);
                thread.start();
                handedOver = true; // the rebuild's thread ends the guard
            }
        } finally {
            if (!handedOver) {
                guard.end(OperationGuard.Kind.REBUILD);
            }
        }
    }

    private void execute(Run run, StreamingEventProcessor processor, boolean reset) {
        try {
            if (reset) {
                projections.rebuild(processor);
                operations.phase(run.id, "REPLAYING", run.status());
                TestPause.at("rebuild.replay");
            }
            projections.awaitCaughtUp(List.of(processor), run.head, settings.replayTimeout(),
                    position -> run.position = Math.max(0, position));
            run.digest = projections.digestOf(run.projection).map(ViewDigest::digest).orElse(null);
            run.endedAt = clock.instant();
            run.state = OperationState.COMPLETED;
            log.info("Projection {} rebuilt up to position {}", run.projection, run.head);
        } catch (RuntimeException e) {
            log.error("Rebuild of projection {} failed: {}", run.projection, e.toString(), e);
            run.error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            run.endedAt = clock.instant();
            run.state = OperationState.FAILED;
        } finally {
            try {
                operations.finish(run.id, run.state, run.error, run.endedAt == null ? clock.instant() : run.endedAt);
            } catch (RuntimeException e) {
                log.error("Rebuild {}: cannot record its end ({})", run.id, e.toString());
            }
            guard.end(OperationGuard.Kind.REBUILD);
        }
    }

    private static final class Run {
        final String id;
        final String projection;
        final Instant startedAt;
        final long head;
        volatile OperationState state = OperationState.RUNNING;
        volatile Instant endedAt;
        volatile long position;
        volatile String digest;
        volatile String error;

        Run(String id, String projection, Instant startedAt, long head) {
            this.id = id;
            this.projection = projection;
            this.startedAt = startedAt;
            this.head = head;
        }

        RebuildStatus status() {
            return new RebuildStatus(id, projection, state, startedAt, endedAt,
                    new Progress(Math.min(position, head), head), digest, error);
        }
    }
}
