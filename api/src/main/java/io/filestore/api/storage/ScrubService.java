package io.filestore.api.storage;

import io.filestore.api.config.FilestoreProperties;
import io.filestore.blob.BlobStore;
import io.filestore.blob.Scrubber;
import io.filestore.blob.Scrubber.ScrubRun;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
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

    private final Scrubber scrubber;
    private final ScrubProperties properties;
    private final SingletonJobRunner runner;

    public ScrubService(BlobStore blobs, ReferencedBlobs referenced, ScrubProperties properties,
                        FilestoreProperties filestore, SingletonJobs jobs) {
        this.properties = properties;
        this.runner = new SingletonJobRunner(jobs, SingletonJobs.Job.SCRUB, "Scrub", "blob-scrub");
        this.scrubber = new Scrubber(blobs, referenced, filestore.dataDir().resolve("scrub"),
                properties.rate().toBytes(), properties.batchSize());
    }

    @Scheduled(initialDelayString = "${filestore.blob-store.scrub.initial-delay:1m}", fixedDelay = 60_000)
    public void tick() {
        if (!properties.enabled() || runner.running()) {
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
        // one instance at a time: another one holding the lock runs it, or this one at the next tick
        runner.start(scrubber::run);
    }

    /** A scrub is running or about to. */
    public boolean running() {
        return runner.running();
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
    }
}
