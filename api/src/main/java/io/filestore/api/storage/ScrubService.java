package io.filestore.api.storage;

import io.filestore.api.config.FilestoreProperties;
import io.filestore.blob.BlobStore;
import io.filestore.blob.Scrubber;
import io.filestore.blob.Scrubber.ScrubRun;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Schedules the blob store's {@link Scrubber} over the referenced blobs: every minute (after
 * {@code filestore.blob-store.scrub.initial-delay}) it resumes an interrupted scrub or starts one when the last ended
 * more than {@code interval} ago. One scrub at a time, on its own thread and on one instance (a PostgreSQL advisory
 * lock, {@link SingletonJobs}); its position and last run are kept in {@code <data-dir>/scrub/}.
 */
@Component
public class ScrubService {

    private static final Logger log = LoggerFactory.getLogger(ScrubService.class);

    private final Scrubber scrubber;
    private final ScrubProperties properties;
    private final AtomicBoolean active = new AtomicBoolean();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "blob-scrub");
        thread.setDaemon(true);
        return thread;
    });

    private final SingletonJobs jobs;

    public ScrubService(BlobStore blobs, ReferencedBlobs referenced, ScrubProperties properties,
                        FilestoreProperties filestore, SingletonJobs jobs) {
        this.properties = properties;
        this.jobs = jobs;
        this.scrubber = new Scrubber(blobs, referenced, filestore.dataDir().resolve("scrub"),
                properties.rate().toBytes(), properties.batchSize());
    }

    @Scheduled(initialDelayString = "${filestore.blob-store.scrub.initial-delay:1m}", fixedDelay = 60_000)
    public void tick() {
        if (!properties.enabled() || active.get()) {
            return;
        }
        ScrubRun last = scrubber.lastRun();
        if (scrubber.interrupted() || last == null
                || last.finishedAt().plus(properties.interval()).isBefore(Instant.now())) {
            start();
        }
    }

    /** Starts a scrub (or resumes an interrupted one) unless one is running or queued. */
    public void start() {
        if (!active.compareAndSet(false, true)) {
            return;
        }
        try {
            runner.execute(() -> {
                try {
                    // one instance at a time: another one holding the lock runs it, or this one at the next tick
                    jobs.tryLock(SingletonJobs.Job.SCRUB).ifPresent(lock -> {
                        try (lock) {
                            scrubber.run();
                        }
                    });
                } catch (RuntimeException e) {
                    log.error("Scrub failed; it resumes from its last saved position: {}", e.toString(), e);
                } finally {
                    active.set(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            active.set(false); // shutting down
        }
    }

    /** A scrub is running or about to. */
    public boolean running() {
        return active.get();
    }

    public ScrubRun current() {
        return scrubber.current();
    }

    public ScrubRun lastRun() {
        return scrubber.lastRun();
    }

    public boolean interrupted() {
        return scrubber.interrupted();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        scrubber.stop();
        runner.shutdown();
        runner.awaitTermination(30, TimeUnit.SECONDS);
    }
}
