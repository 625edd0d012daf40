package io.filestore.api.storage;

import io.filestore.api.config.FilestoreProperties;
import io.filestore.blob.BlobStore;
import io.filestore.blob.Rebalancer;
import io.filestore.blob.Rebalancer.RebalanceRun;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Runs the blob store's {@link Rebalancer} on its own thread: after a node was added (the request is saved first, so
 * a crash before or during the pass leaves it to resume), on an administrator's request, and when the application is
 * ready if a pass was left unfinished (and every minute while one is pending but not running). One pass at a time,
 * on one instance (a PostgreSQL advisory lock, {@link SingletonJobs}). Its position and last pass are kept in
 * {@code <data-dir>/rebalance/}.
 */
@Component
public class RebalanceService {

    private static final Logger log = LoggerFactory.getLogger(RebalanceService.class);

    private final Rebalancer rebalancer;
    private final AtomicBoolean again = new AtomicBoolean();
    private final SingletonJobRunner runner;

    public RebalanceService(BlobStore blobs, RebalanceProperties properties, FilestoreProperties filestore,
                            SingletonJobs jobs) {
        this.runner = new SingletonJobRunner(jobs, SingletonJobs.Job.REBALANCE, "Rebalance", "blob-rebalance");
        this.rebalancer = new Rebalancer(blobs, filestore.dataDir().resolve("rebalance"), properties.rate().toBytes(),
                properties.batchSize());
        // TEST-ONLY pause point (off unless FILESTORE_TEST_PAUSE_AT is set): a kill -9 after a saved position
        rebalancer.afterSave(run -> io.filestore.query.TestPause.at("storage.rebalance"));
    }

    /** Retries a pending pass that could not start (another instance held the lock, or a failure). */
    @org.springframework.scheduling.annotation.Scheduled(initialDelay = 60_000, fixedDelay = 60_000)
    void retry() {
        if (!runner.running() && rebalancer.pending()) {
            start();
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    void resume() {
        if (rebalancer.pending()) {
            log.info("Resuming the unfinished rebalance");
            start();
        }
    }

    /** Saves that a new pass is wanted (the placement changed) and starts it; a running pass starts over after. */
    public void request() {
        try {
            if (runner.running()) {
                again.set(true); // the running pass ends, then a new one starts from the beginning
                rebalancer.stop();
                return;
            }
            rebalancer.request();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the rebalance request", e);
        }
        start();
    }

    /** Starts (or resumes) a pass unless one is running. */
    public void start() {
        // when another instance holds the lock it runs the pass; a pending pass is retried every minute here
        runner.start(() -> {
            do {
                if (again.getAndSet(false)) {
                    rebalancer.request();
                }
                rebalancer.run();
            } while (again.get());
        }, () -> {
            if (again.get()) {
                start(); // requested after the loop looked
            }
        });
    }

    public boolean running() {
        return runner.running();
    }

    /** The pass in progress or pending, or null. */
    public RebalanceRun current() {
        return rebalancer.current();
    }

    public RebalanceRun lastRun() {
        return rebalancer.lastRun();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        rebalancer.stop();
        runner.shutdown();
    }
}
