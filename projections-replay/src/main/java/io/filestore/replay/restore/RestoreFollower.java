package io.filestore.replay.restore;

import io.filestore.query.ProcessorControl;
import io.filestore.replay.ClusterProcesses;
import io.filestore.replay.LongOperations;
import io.filestore.replay.projection.Projections;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Puts this instance into the maintenance of a restore that another instance runs, and takes over a restore whose
 * instance died. Every {@value #INTERVAL_MILLIS} ms it reads the unfinished restore from the {@code long_operation}
 * table (one indexed query):
 * <ul>
 * <li>none: commands are accepted, and processors it stopped are started again;</li>
 * <li>one that runs here: nothing to do ({@link RestoreService} keeps maintenance itself);</li>
 * <li>one that no live instance runs (the restore lock is free: its instance died): it is rolled back or resumed
 *     here, as a restart would ({@link RestoreService#recoverOrphaned});</li>
 * <li>one that another instance runs, past its validation: commands are refused ({@link MaintenanceMode#observe})
 *     and this instance's event processors are stopped and the stop recorded in {@link RestorePauses}, which the
 *     restoring instance waits for before it deletes and resets the processors' tokens. They stay stopped until the
 *     restore has ended: the replay runs on the restoring instance, which reads every segment's progress from its
 *     own processors.</li>
 * </ul>
 * Reads are served throughout, from the views being rebuilt, as on the restoring instance.
 */
@Component
public class RestoreFollower {

    static final long INTERVAL_MILLIS = 500;

    private static final Logger log = LoggerFactory.getLogger(RestoreFollower.class);

    private final LongOperations operations;
    private final RestoreService restores;
    private final MaintenanceMode maintenance;
    private final Projections projections;
    private final ProcessorControl control;
    private final RestorePauses pauses;
    private final ClusterProcesses processes;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "restore-follower");
        thread.setDaemon(true);
        return thread;
    });
    /** The restore this instance has stopped its processors for, or null. Touched by the timer thread only. */
    private String pausedFor;

    public RestoreFollower(LongOperations operations, RestoreService restores, MaintenanceMode maintenance,
                           Projections projections, ProcessorControl control, RestorePauses pauses,
                           ClusterProcesses processes) {
        this.operations = operations;
        this.restores = restores;
        this.maintenance = maintenance;
        this.projections = projections;
        this.control = control;
        this.pauses = pauses;
        this.processes = processes;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        timer.scheduleWithFixedDelay(this::follow, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    @EventListener(ContextClosedEvent.class)
    public void stop() {
        timer.shutdownNow();
    }

    void follow() {
        if (!restores.startRecoveryDone()) {
            return; // the start's own recovery comes first (it waits for the restore lock; a tick would take it)
        }
        try {
            Optional<LongOperations.Operation> restore = operations.unfinishedRestore();
            if (restore.isEmpty()) {
                maintenance.observe(null);
                resume();
                return;
            }
            LongOperations.Operation operation = restore.get();
            if (restores.runsHere(operation.id())) {
                return;
            }
            if (restores.recoverOrphaned(this::resume)) {
                return; // no live instance ran it: rolled back, or resumed here (its thread now runs it)
            }
            boolean loading = !operation.phase().equals("VALIDATING");
            maintenance.observe(loading ? operation.id() : null);
            if (loading) {
                pause(operation.id());
            }
        } catch (RuntimeException e) {
            // the database is unreachable: keep the state as it is, try again on the next tick
            log.debug("Cannot follow the restores: {}", e.toString());
        }
    }

    private void pause(String restoreId) {
        if (restoreId.equals(pausedFor)) {
            return;
        }
        control.exclusively(() -> projections.all().forEach(StreamingEventProcessor::shutDown));
        pauses.paused(restoreId, processes.self());
        pausedFor = restoreId;
        log.warn("Restore {} runs on another instance: this one refuses changes and has stopped its event "
                + "processors until it has ended", restoreId);
    }

    private void resume() {
        if (pausedFor == null) {
            return;
        }
        control.exclusively(() -> projections.all().forEach(StreamingEventProcessor::start));
        log.info("Event processors started again (restore {} has ended, or is taken over here)", pausedFor);
        pausedFor = null;
        pauses.resumed(processes.self());
    }
}
