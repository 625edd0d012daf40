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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a set of blobs in ascending id order (the blobs the caller still needs, from {@link BlobSource}), verifies
 * every replica of each one and restores the replication factor, at most {@code bytesPerSecond} of replica content
 * read per second. The position (the last blob id checked) and the counters are saved to a state file after every
 * batch, so a run interrupted by a stop or a crash resumes after the last saved blob; a finished run is saved as the
 * last run. One run at a time per scrubber.
 */
public final class Scrubber {

    /** The ids a scrub walks: ascending, strictly after {@code afterExclusive} ("" for the start), at most {@code limit}. */
    @FunctionalInterface
    public interface BlobSource {
        List<String> after(String afterExclusive, int limit);
    }

    /** The most unrecoverable / under-replicated ids a run keeps (counts go on beyond). */
    static final int MAX_LISTED = 1000;

    private static final Logger log = LoggerFactory.getLogger(Scrubber.class);

    private final BlobStore store;
    private final BlobSource source;
    private final Path stateFile;
    private final Path lastRunFile;
    private final long bytesPerSecond;
    private final int batchSize;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopRequested;
    private volatile ScrubRun current;

    /**
     * @param stateDirectory where {@code scrub-state.properties} (a run in progress) and {@code scrub-last.properties}
     *                       (the last finished run) are kept
     * @param bytesPerSecond the most replica bytes verified per second; 0 for no limit
     * @param batchSize      ids asked from the source at a time; the state is saved after each batch
     */
    public Scrubber(BlobStore store, BlobSource source, Path stateDirectory, long bytesPerSecond, int batchSize) {
        this.store = Objects.requireNonNull(store, "store");
        this.source = Objects.requireNonNull(source, "source");
        this.stateFile = stateDirectory.resolve("scrub-state.properties");
        this.lastRunFile = stateDirectory.resolve("scrub-last.properties");
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond must be >= 0, was " + bytesPerSecond);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.batchSize = batchSize;
        ScrubRun last = lastRun();
        if (last != null) {
            store.rememberFindings(last.underReplicatedBlobs(), last.unrecoverableBlobs());
        }
    }

    /** Whether a run was interrupted and will resume from its saved position. */
    public boolean interrupted() {
        return Files.exists(stateFile);
    }

    public boolean isRunning() {
        return running.get();
    }

    /** The run in progress, or null. */
    public ScrubRun current() {
        return current;
    }

    /** The last finished run, or null when none finished yet. */
    public ScrubRun lastRun() {
        return read(lastRunFile);
    }

    /** Asks a run in progress to stop after the blob it is checking; its position is saved. */
    public void stop() {
        stopRequested = true;
    }

    /**
     * Runs a scrub to its end (or until {@link #stop()}), resuming an interrupted one.
     *
     * @return the finished run, or null when another run is in progress or this one was stopped before its end
     */
    public ScrubRun run() {
        if (!running.compareAndSet(false, true)) {
            return null;
        }
        stopRequested = false;
        try {
            ScrubRun saved = read(stateFile);
            ScrubRun run = saved != null ? saved : ScrubRun.start(Instant.now());
            if (saved != null) {
                log.info("Resuming the scrub started at {} after blob {}", saved.startedAt(), saved.cursor());
            }
            current = run;
            long windowStart = System.nanoTime();
            long windowBytes = 0;
            while (!stopRequested) {
                List<String> ids = source.after(run.cursor(), batchSize);
                for (String id : ids) {
                    if (stopRequested) {
                        break;
                    }
                    BlobStore.Check check;
                    try {
                        check = store.check(BlobIds.require(id));
                    } catch (RuntimeException e) {
                        log.warn("Scrub could not check blob {}: {}", id, e.toString());
                        run = run.next(id, 0, 0, 0, false, false, true);
                        current = run;
                        continue;
                    }
                    RepairResult result = check.result();
                    boolean lost = result.replicas() == 0 && !(check.nodeDown() && result.quarantinedReplicas() == 0);
                    boolean under = !lost && result.replicas() < store.replicationFactor();
                    run = run.next(id, result.verifiedReplicas(), result.quarantinedReplicas(),
                            result.addedReplicas(), under, lost, check.readErrors() > 0);
                    current = run;
                    windowBytes += check.bytesRead();
                    windowStart = pace(windowStart, windowBytes);
                    if (windowStart < 0) { // interrupted
                        windowStart = System.nanoTime();
                        stopRequested = true;
                    }
                }
                write(stateFile, run);
                if (ids.size() < batchSize && !stopRequested) {
                    ScrubRun finished = run.finish(Instant.now());
                    write(lastRunFile, finished);
                    Files.deleteIfExists(stateFile);
                    current = null;
                    log.info("Scrub finished: {} blobs checked, {} replicas repaired, {} under-replicated, {} unrecoverable",
                            finished.blobsChecked(), finished.replicasRepaired(), finished.underReplicated(),
                            finished.unrecoverable());
                    return finished;
                }
                if (ids.size() < batchSize) {
                    break;
                }
            }
            log.info("Scrub stopped after blob {}; it resumes from there", run.cursor());
            current = null;
            return null;
        } catch (IOException e) {
            log.error("Scrub could not save its state: {}", e.toString());
            current = null;
            return null;
        } finally {
            running.set(false);
        }
    }

    /** Sleeps so that the bytes read since {@code start} take at least bytes / rate; -1 when interrupted. */
    private long pace(long start, long bytes) {
        if (bytesPerSecond == 0) {
            return start;
        }
        long due = start + (long) (bytes * 1e9 / bytesPerSecond);
        long wait = due - System.nanoTime();
        try {
            while (wait > 0 && !stopRequested) {
                long slice = Math.min(wait, 200_000_000L);
                Thread.sleep(slice / 1_000_000, (int) (slice % 1_000_000));
                wait = due - System.nanoTime();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        return start;
    }

    private static ScrubRun read(Path file) {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(reader);
            return new ScrubRun(Instant.parse(p.getProperty("startedAt")),
                    p.getProperty("finishedAt", "").isEmpty() ? null : Instant.parse(p.getProperty("finishedAt")),
                    p.getProperty("cursor", ""),
                    Long.parseLong(p.getProperty("blobsChecked", "0")),
                    Long.parseLong(p.getProperty("replicasVerified", "0")),
                    Long.parseLong(p.getProperty("replicasQuarantined", "0")),
                    Long.parseLong(p.getProperty("replicasAdded", "0")),
                    Long.parseLong(p.getProperty("underReplicated", "0")),
                    Long.parseLong(p.getProperty("unrecoverable", "0")),
                    Long.parseLong(p.getProperty("errors", "0")),
                    ids(p.getProperty("underReplicatedBlobs", "")),
                    ids(p.getProperty("unrecoverableBlobs", "")));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            log.warn("Ignoring unreadable scrub state {}: {}", file, e.toString());
            return null;
        }
    }

    private static List<String> ids(String joined) {
        return joined.isEmpty() ? List.of()
                : Arrays.stream(joined.split(",")).filter(BlobIds::isValid).toList();
    }

    private void write(Path file, ScrubRun run) throws IOException {
        Properties p = new Properties();
        p.setProperty("startedAt", run.startedAt().toString());
        p.setProperty("finishedAt", run.finishedAt() == null ? "" : run.finishedAt().toString());
        p.setProperty("cursor", run.cursor());
        p.setProperty("blobsChecked", Long.toString(run.blobsChecked()));
        p.setProperty("replicasVerified", Long.toString(run.replicasVerified()));
        p.setProperty("replicasQuarantined", Long.toString(run.replicasQuarantined()));
        p.setProperty("replicasAdded", Long.toString(run.replicasAdded()));
        p.setProperty("underReplicated", Long.toString(run.underReplicated()));
        p.setProperty("unrecoverable", Long.toString(run.unrecoverable()));
        p.setProperty("errors", Long.toString(run.errors()));
        p.setProperty("underReplicatedBlobs", String.join(",", run.underReplicatedBlobs()));
        p.setProperty("unrecoverableBlobs", String.join(",", run.unrecoverableBlobs()));
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(writer, "blob store scrub");
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * One scrub run: where it is and what it found.
     *
     * @param cursor               the last blob id checked ("" before the first)
     * @param replicasQuarantined  corrupt replicas moved to quarantine
     * @param replicasAdded        replicas written to restore R
     * @param underReplicated      blobs left with fewer than R intact replicas
     * @param unrecoverable        blobs with no intact replica
     * @param errors               blobs a read error kept from being checked completely
     * @param underReplicatedBlobs up to 1000 of the under-replicated blobs
     * @param unrecoverableBlobs   up to 1000 of the unrecoverable blobs
     */
    public record ScrubRun(Instant startedAt, Instant finishedAt, String cursor, long blobsChecked,
                           long replicasVerified, long replicasQuarantined, long replicasAdded, long underReplicated,
                           long unrecoverable, long errors, List<String> underReplicatedBlobs,
                           List<String> unrecoverableBlobs) {

        public ScrubRun {
            underReplicatedBlobs = List.copyOf(underReplicatedBlobs);
            unrecoverableBlobs = List.copyOf(unrecoverableBlobs);
        }

        static ScrubRun start(Instant now) {
            return new ScrubRun(now, null, "", 0, 0, 0, 0, 0, 0, 0, List.of(), List.of());
        }

        /** Replicas quarantined or added. */
        public long replicasRepaired() {
            return replicasQuarantined + replicasAdded;
        }

        ScrubRun next(String id, int verified, int quarantined, int added, boolean under, boolean lost,
                      boolean error) {
            return new ScrubRun(startedAt, null, id, blobsChecked + 1, replicasVerified + verified,
                    replicasQuarantined + quarantined, replicasAdded + added, underReplicated + (under ? 1 : 0),
                    unrecoverable + (lost ? 1 : 0), errors + (error ? 1 : 0),
                    under ? appended(underReplicatedBlobs, id) : underReplicatedBlobs,
                    lost ? appended(unrecoverableBlobs, id) : unrecoverableBlobs);
        }

        ScrubRun finish(Instant now) {
            return new ScrubRun(startedAt, now, cursor, blobsChecked, replicasVerified, replicasQuarantined,
                    replicasAdded, underReplicated, unrecoverable, errors, underReplicatedBlobs, unrecoverableBlobs);
        }

        private static List<String> appended(List<String> ids, String id) {
            if (ids.size() >= MAX_LISTED) {
                return ids;
            }
            List<String> more = new ArrayList<>(ids);
            more.add(id);
            return more;
        }
    }
}
