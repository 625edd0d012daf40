package io.filestore.blob;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Iterator;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves every blob on the nodes to its homes under the current placement ({@link BlobStore#rebalance(String)}), in
 * ascending id order, reading at most {@code bytesPerSecond} of replica content per second. The position and the
 * counters are saved to {@code rebalance-state.properties} every {@code batchSize} blobs, so a pass interrupted by a
 * stop or a crash resumes after the last saved blob (blobs done again after a crash are found in place: a pass is
 * idempotent); a finished pass is kept in {@code rebalance-last.properties}. One pass at a time per rebalancer.
 */
public final class Rebalancer {

    private static final Logger log = LoggerFactory.getLogger(Rebalancer.class);

    private final BlobStore store;
    private final Path stateFile;
    private final Path lastRunFile;
    private final long bytesPerSecond;
    private final int batchSize;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopRequested;
    private volatile RebalanceRun current;
    private volatile java.util.function.Consumer<RebalanceRun> afterSave = run -> { };

    /**
     * @param bytesPerSecond the most replica bytes read per second; 0 for no limit
     * @param batchSize      blobs between saves of the position
     */
    public Rebalancer(BlobStore store, Path stateDirectory, long bytesPerSecond, int batchSize) {
        this.store = Objects.requireNonNull(store, "store");
        this.stateFile = stateDirectory.resolve("rebalance-state.properties");
        this.lastRunFile = stateDirectory.resolve("rebalance-last.properties");
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond must be >= 0, was " + bytesPerSecond);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.batchSize = batchSize;
    }

    /** Called after every save of a pass's position (for progress reports, and for tests that crash a pass there). */
    public void afterSave(java.util.function.Consumer<RebalanceRun> listener) {
        this.afterSave = Objects.requireNonNull(listener, "listener");
    }

    /** A pass was started and has not finished (it resumes from its saved position). */
    public boolean pending() {
        return Files.exists(stateFile);
    }

    /**
     * Records that a pass is wanted (after a node was added) before it runs, so that a crash before it starts or
     * finishes still leaves it to resume. A pass already pending restarts from the beginning (the placement changed).
     */
    public void request() throws IOException {
        write(stateFile, RebalanceRun.start(Instant.now()));
    }

    public boolean isRunning() {
        return running.get();
    }

    /** The pass in progress (as last saved or counted), or the pending one, or null. */
    public RebalanceRun current() {
        RebalanceRun run = current;
        return run != null ? run : read(stateFile);
    }

    public RebalanceRun lastRun() {
        return read(lastRunFile);
    }

    /** Asks a pass in progress to stop after the blob it is moving; its position is saved. */
    public void stop() {
        stopRequested = true;
    }

    /**
     * Runs the pending pass (or a new one) to its end, or until {@link #stop()}.
     *
     * @return the finished pass, or null when another is running or this one was stopped
     */
    public RebalanceRun run() {
        if (!running.compareAndSet(false, true)) {
            return null;
        }
        stopRequested = false;
        try {
            RebalanceRun saved = read(stateFile);
            RebalanceRun run = saved != null ? saved : RebalanceRun.start(Instant.now());
            if (!run.cursor().isEmpty()) {
                log.info("Resuming the rebalance started at {} after blob {}", run.startedAt(), run.cursor());
            }
            current = run;
            write(stateFile, run);
            long windowStart = System.nanoTime();
            long windowBytes = 0;
            int sinceSave = 0;
            try (Stream<String> ids = store.listAfter(run.cursor())) {
                Iterator<String> iterator = ids.iterator();
                while (iterator.hasNext() && !stopRequested) {
                    String id = iterator.next();
                    try {
                        RebalanceResult result = store.rebalance(id);
                        run = run.next(id, result.copied(), result.deleted(), result.underReplicated(), false);
                        windowBytes += result.bytesRead();
                    } catch (RuntimeException e) {
                        log.warn("Rebalance could not move blob {}: {}", id, e.toString());
                        run = run.next(id, 0, 0, false, true);
                    }
                    current = run;
                    if (++sinceSave >= batchSize) {
                        write(stateFile, run);
                        sinceSave = 0;
                        afterSave.accept(run);
                    }
                    if (!pace(windowStart, windowBytes)) {
                        stopRequested = true;
                    }
                }
            }
            write(stateFile, run);
            if (stopRequested) {
                log.info("Rebalance stopped after blob {}; it resumes from there", run.cursor());
                return null;
            }
            RebalanceRun finished = run.finish(Instant.now());
            write(lastRunFile, finished);
            Files.deleteIfExists(stateFile);
            log.info("Rebalance finished: {} blobs, {} replicas copied, {} removed, {} without R homes, {} errors",
                    finished.blobsChecked(), finished.replicasCopied(), finished.replicasDeleted(),
                    finished.underReplicated(), finished.errors());
            return finished;
        } catch (IOException e) {
            log.error("Rebalance could not save its state: {}", e.toString());
            return null;
        } finally {
            current = null;
            running.set(false);
        }
    }

    /** Sleeps so that the bytes read since {@code start} take at least bytes / rate; false when interrupted. */
    private boolean pace(long start, long bytes) {
        if (bytesPerSecond == 0) {
            return true;
        }
        long due = start + (long) (bytes * 1e9 / bytesPerSecond);
        try {
            long wait;
            while ((wait = due - System.nanoTime()) > 0 && !stopRequested) {
                long slice = Math.min(wait, 200_000_000L);
                Thread.sleep(slice / 1_000_000, (int) (slice % 1_000_000));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static RebalanceRun read(Path file) {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(reader);
            return new RebalanceRun(Instant.parse(p.getProperty("startedAt")),
                    p.getProperty("finishedAt", "").isEmpty() ? null : Instant.parse(p.getProperty("finishedAt")),
                    p.getProperty("cursor", ""),
                    Long.parseLong(p.getProperty("blobsChecked", "0")),
                    Long.parseLong(p.getProperty("replicasCopied", "0")),
                    Long.parseLong(p.getProperty("replicasDeleted", "0")),
                    Long.parseLong(p.getProperty("underReplicated", "0")),
                    Long.parseLong(p.getProperty("errors", "0")));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            log.warn("Ignoring unreadable rebalance state {}: {}", file, e.toString());
            return null;
        }
    }

    private static void write(Path file, RebalanceRun run) throws IOException {
        Properties p = new Properties();
        p.setProperty("startedAt", run.startedAt().toString());
        p.setProperty("finishedAt", run.finishedAt() == null ? "" : run.finishedAt().toString());
        p.setProperty("cursor", run.cursor());
        p.setProperty("blobsChecked", Long.toString(run.blobsChecked()));
        p.setProperty("replicasCopied", Long.toString(run.replicasCopied()));
        p.setProperty("replicasDeleted", Long.toString(run.replicasDeleted()));
        p.setProperty("underReplicated", Long.toString(run.underReplicated()));
        p.setProperty("errors", Long.toString(run.errors()));
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(writer, "blob store rebalance");
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * One rebalance pass.
     *
     * @param cursor          the last blob id moved ("" before the first)
     * @param replicasCopied  replicas written to the blobs' homes
     * @param replicasDeleted replicas removed from other nodes after their homes were verified
     * @param underReplicated blobs for which fewer than R homes could take a replica (nothing deleted)
     * @param errors          blobs that could not be moved (left where they were)
     */
    public record RebalanceRun(Instant startedAt, Instant finishedAt, String cursor, long blobsChecked,
                               long replicasCopied, long replicasDeleted, long underReplicated, long errors) {

        static RebalanceRun start(Instant now) {
            return new RebalanceRun(now, null, "", 0, 0, 0, 0, 0);
        }

        RebalanceRun next(String id, int copied, int deleted, boolean under, boolean error) {
            return new RebalanceRun(startedAt, null, id, blobsChecked + 1, replicasCopied + copied,
                    replicasDeleted + deleted, underReplicated + (under ? 1 : 0), errors + (error ? 1 : 0));
        }

        RebalanceRun finish(Instant now) {
            return new RebalanceRun(startedAt, now, cursor, blobsChecked, replicasCopied, replicasDeleted,
                    underReplicated, errors);
        }
    }
}
