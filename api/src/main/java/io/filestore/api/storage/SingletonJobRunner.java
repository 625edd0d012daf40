package io.filestore.api.storage;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one kind of resumable background job (a scrub, a rebalance, a re-wrap) on a thread of its own: one run at a
 * time in this process, and on one instance at a time through the job's PostgreSQL advisory lock
 * ({@link SingletonJobs}); when another instance holds the lock, the run is skipped here (the caller retries later).
 * A failed run is logged; the job itself resumes from its last saved position on its next start.
 */
public final class SingletonJobRunner {

    private static final Logger log = LoggerFactory.getLogger(SingletonJobRunner.class);

    /** The body of a run, under the lock. */
    @FunctionalInterface
    public interface Body {
        void run() throws IOException;
    }

    private final SingletonJobs jobs;
    private final SingletonJobs.Job job;
    private final String what;
    private final AtomicBoolean active = new AtomicBoolean();
    private final ExecutorService runner;

    /**
     * @param what       the job's name in log lines ("Scrub")
     * @param threadName the name of its thread
     */
    public SingletonJobRunner(SingletonJobs jobs, SingletonJobs.Job job, String what, String threadName) {
        this.jobs = jobs;
        this.job = job;
        this.what = what;
        this.runner = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts a run unless one is running or queued; false when it was not started. */
    public boolean start(Body body) {
        return start(body, () -> { });
    }

    /** As {@link #start(Body)}; {@code afterwards} runs on the job's thread once the run has ended and is not active. */
    public boolean start(Body body, Runnable afterwards) {
        if (!active.compareAndSet(false, true)) {
            return false;
        }
        try {
            runner.execute(() -> {
                try {
                    Optional<SingletonJobs.Held> lock = jobs.tryLock(job);
                    if (lock.isPresent()) {
                        try (SingletonJobs.Held held = lock.get()) {
                            body.run();
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    log.error("{} failed; it resumes from its last saved position: {}", what, e.toString(), e);
                } finally {
                    active.set(false);
                }
                afterwards.run();
            });
            return true;
        } catch (RejectedExecutionException e) {
            active.set(false); // shutting down
            return false;
        }
    }

    /** A run is active or queued. */
    public boolean running() {
        return active.get();
    }

    /** Stops taking runs and waits up to 30 s for the one in progress (the caller asked the job to stop first). */
    public void shutdown() throws InterruptedException {
        runner.shutdown();
        runner.awaitTermination(30, TimeUnit.SECONDS);
    }
}
