package io.filestore.blob;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key rotation job: walks every blob of every node in ascending id order and makes each encrypted replica's data
 * key wrapped by the primary master key alone, and, when the store encrypts new blobs, replaces each plaintext replica
 * by an encrypted one ({@link BlobStore#rewrap}); then re-wraps the data keys of the copies in other
 * content-addressed directories (the backups' blobs, {@code <dir>/ab/cd/<sha256>}); then rewrites the key check
 * values with the primary key. Blobs are not rewritten, only their 512-byte headers. The position is saved after
 * every batch ({@code rewrap-state.properties}), so a run interrupted by a stop or a crash resumes after the last
 * saved blob; a finished run is kept as the last run ({@code rewrap-last.properties}). A run started under another
 * primary key than the current one starts over.
 */
public final class Rewrapper {

    /** The most failed ids a run lists (counts go on beyond). */
    static final int MAX_LISTED = 100;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Logger log = LoggerFactory.getLogger(Rewrapper.class);

    /**
     * A run: {@code phase} is {@code nodes} (the blob store) or {@code copies-<n>} (the nth other directory),
     * {@code cursor} the last blob id done in that phase.
     */
    public record RewrapRun(Instant startedAt, Instant finishedAt, int primaryKeyId, String phase, String cursor,
                            long blobs, long rewrapped, long current, long plaintext, long encrypted, long failed,
                            List<String> failedIds) {

        static RewrapRun start(Instant at, int primaryKeyId) {
            return new RewrapRun(at, null, primaryKeyId, "nodes", "", 0, 0, 0, 0, 0, 0, List.of());
        }

        RewrapRun next(String id, BlobStore.RewrapResult result) {
            List<String> ids = failedIds;
            if (result.failed() > 0 && ids.size() < MAX_LISTED) {
                ids = new ArrayList<>(ids);
                ids.add(id);
                ids = List.copyOf(ids);
            }
            return new RewrapRun(startedAt, null, primaryKeyId, phase, id, blobs + 1, rewrapped + result.rewrapped(),
                    current + result.current(), plaintext + result.plaintext(), encrypted + result.encrypted(),
                    failed + result.failed(), ids);
        }

        /** The phase of the {@code index}th directory of copies, from its start. */
        RewrapRun copies(int index) {
            return new RewrapRun(startedAt, null, primaryKeyId, "copies-" + index, "", blobs, rewrapped, current,
                    plaintext, encrypted, failed, failedIds);
        }

        int copyDirectory() {
            return phase.startsWith("copies-") ? Integer.parseInt(phase.substring("copies-".length())) : 0;
        }

        RewrapRun finish(Instant at) {
            return new RewrapRun(startedAt, at, primaryKeyId, "done", "", blobs, rewrapped, current, plaintext,
                    encrypted, failed, failedIds);
        }

        /** Every replica and copy this run saw opens with the primary key alone. */
        public boolean complete() {
            return finishedAt != null && failed == 0;
        }
    }

    private final BlobStore store;
    private final Path stateFile;
    private final Path lastRunFile;
    private final List<Path> copyDirectories;
    private final int batchSize;
    private final Runnable slotWritten;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopRequested;
    private volatile RewrapRun current;

    /**
     * @param stateDirectory  where the state of a run in progress and the last finished run are kept
     * @param copyDirectories other content-addressed directories of blob copies in the stored form (may not exist)
     * @param batchSize       blobs between two saves of the position
     * @param slotWritten     test hook, see {@link BlobEncryption#rewrap}
     */
    public Rewrapper(BlobStore store, Path stateDirectory, List<Path> copyDirectories, int batchSize,
                     Runnable slotWritten) {
        this.store = Objects.requireNonNull(store, "store");
        this.stateFile = stateDirectory.resolve("rewrap-state.properties");
        this.lastRunFile = stateDirectory.resolve("rewrap-last.properties");
        this.copyDirectories = List.copyOf(copyDirectories);
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
        this.batchSize = batchSize;
        this.slotWritten = Objects.requireNonNull(slotWritten, "slotWritten");
    }

    /** Whether a run was interrupted and will resume from its saved position. */
    public boolean interrupted() {
        return Files.exists(stateFile);
    }

    public boolean isRunning() {
        return running.get();
    }

    /** The run in progress (or the interrupted one's saved state), or null. */
    public RewrapRun current() {
        RewrapRun run = current;
        return run != null ? run : read(stateFile);
    }

    /** The last finished run, or null. */
    public RewrapRun lastRun() {
        return read(lastRunFile);
    }

    /** Asks a run in progress to stop after the blob it is on; its position is saved. */
    public void stop() {
        stopRequested = true;
    }

    /**
     * Runs to the end (or until {@link #stop()}), resuming an interrupted run of the same primary key.
     *
     * @return the finished run, or null when another run is in progress or this one was stopped
     */
    public RewrapRun run() {
        if (!running.compareAndSet(false, true)) {
            return null;
        }
        stopRequested = false;
        try {
            int primary = store.encryption().primaryKeyId();
            if (store.encryption().masterKeys().isEmpty()) {
                throw new IllegalStateException("no master key is configured: there is nothing to re-wrap with");
            }
            RewrapRun saved = read(stateFile);
            RewrapRun run;
            if (saved != null && saved.primaryKeyId() == primary) {
                run = saved;
                log.info("Resuming the re-wrap to master key {} in {} after {}", primary, saved.phase(),
                        saved.cursor().isEmpty() ? "the start" : saved.cursor());
            } else {
                run = RewrapRun.start(Instant.now(), primary);
                write(stateFile, run); // from here on, a crash leaves a run to resume
                log.info("Re-wrapping every data key with master key {}", primary);
            }
            current = run;
            if (run.phase().equals("nodes")) {
                try (Stream<String> ids = store.listAfter(run.cursor())) {
                    run = walk(run, ids.iterator(), id -> store.rewrap(id, slotWritten));
                }
                if (run == null) {
                    return null;
                }
                run = run.copies(0);
                write(stateFile, run);
                current = run;
            }
            for (int i = run.copyDirectory(); i < copyDirectories.size(); i++) {
                Path directory = copyDirectories.get(i);
                run = walk(run, new FanOut(directory, run.cursor()), id -> rewrapCopy(directory, id));
                if (run == null) {
                    return null;
                }
                run = run.copies(i + 1);
                write(stateFile, run);
                current = run;
            }
            store.rewriteKeyChecks();
            RewrapRun finished = run.finish(Instant.now());
            write(lastRunFile, finished);
            Files.deleteIfExists(stateFile);
            current = null;
            log.info("Re-wrap to master key {} finished: {} blobs, {} data keys re-wrapped, {} already current, {} "
                            + "plaintext, {} plaintext replicas encrypted, {} failed", primary, finished.blobs(),
                    finished.rewrapped(), finished.current(), finished.plaintext(), finished.encrypted(),
                    finished.failed());
            return finished;
        } catch (IOException e) {
            log.error("The re-wrap could not save its state or key checks: {}", e.toString());
            current = null;
            return null;
        } finally {
            running.set(false);
        }
    }

    @FunctionalInterface
    private interface Step {
        BlobStore.RewrapResult apply(String id);
    }

    /** Walks ids after the run's cursor, saving every batch; null when stopped (the position is saved). */
    private RewrapRun walk(RewrapRun start, Iterator<String> ids, Step step) throws IOException {
        RewrapRun run = start;
        int inBatch = 0;
        while (ids.hasNext()) {
            if (stopRequested) {
                write(stateFile, run);
                log.info("Re-wrap stopped after {}; it resumes from there", run.cursor());
                current = null;
                return null;
            }
            String id = ids.next();
            run = run.next(id, step.apply(id));
            current = run;
            if (++inBatch == batchSize) {
                write(stateFile, run);
                inBatch = 0;
            }
        }
        write(stateFile, run);
        return run;
    }

    private BlobStore.RewrapResult rewrapCopy(Path directory, String id) {
        Path file = directory.resolve(id.substring(0, 2)).resolve(id.substring(2, 4)).resolve(id);
        try {
            return switch (store.encryption().rewrap(file, id, slotWritten)) {
                // a backup's copy made while encryption was off stays plaintext (restores check it by its hash)
                case PLAINTEXT -> new BlobStore.RewrapResult(0, 0, 0, 0, 0);
                case CURRENT -> new BlobStore.RewrapResult(0, 1, 0, 0, 0);
                case REWRAPPED -> new BlobStore.RewrapResult(1, 0, 0, 0, 0);
            };
        } catch (NoSuchFileException e) {
            return new BlobStore.RewrapResult(0, 0, 0, 0, 0); // deleted meanwhile
        } catch (IOException e) {
            log.warn("Cannot re-wrap the data key of the copy {}: {}", file, e.getMessage());
            return new BlobStore.RewrapResult(0, 0, 0, 0, 1);
        }
    }

    /**
     * The ids of a fan-out directory ({@code ab/cd/<sha256>}) after {@code afterExclusive}, ascending, one directory
     * listing in memory at a time.
     */
    static final class FanOut implements Iterator<String> {
        private final Iterator<Path> firsts;
        private Iterator<Path> seconds = List.<Path>of().iterator();
        private Iterator<String> names = List.<String>of().iterator();
        private final String after;
        private String next;

        FanOut(Path root, String afterExclusive) throws IOException {
            this.after = afterExclusive;
            this.firsts = sorted(root, 2).iterator();
        }

        private static List<Path> sorted(Path dir, int nameLength) throws IOException {
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    boolean wanted = nameLength == 64 ? SHA256.matcher(name).matches()
                            : name.length() == nameLength && name.chars().allMatch(c -> Character.digit(c, 16) >= 0
                            && !Character.isUpperCase(c));
                    if (wanted) {
                        children.add(entry);
                    }
                }
            }
            children.sort(null);
            return children;
        }

        @Override
        public boolean hasNext() {
            try {
                while (next == null) {
                    if (names.hasNext()) {
                        String name = names.next();
                        if (name.compareTo(after) > 0) {
                            next = name;
                        }
                    } else if (seconds.hasNext()) {
                        Path dir = seconds.next();
                        String prefix = dir.getParent().getFileName().toString() + dir.getFileName();
                        if (!after.isEmpty() && prefix.compareTo(after.substring(0, 4)) < 0) {
                            continue;
                        }
                        names = sorted(dir, 64).stream().map(p -> p.getFileName().toString()).toList().iterator();
                    } else if (firsts.hasNext()) {
                        Path dir = firsts.next();
                        if (!after.isEmpty() && dir.getFileName().toString().compareTo(after.substring(0, 2)) < 0) {
                            continue;
                        }
                        seconds = sorted(dir, 2).iterator();
                    } else {
                        return false;
                    }
                }
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            String id = next;
            next = null;
            return id;
        }
    }

    private static RewrapRun read(Path file) {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(reader);
            String failedIds = p.getProperty("failedIds", "");
            return new RewrapRun(Instant.parse(p.getProperty("startedAt")),
                    p.getProperty("finishedAt", "").isEmpty() ? null : Instant.parse(p.getProperty("finishedAt")),
                    Integer.parseInt(p.getProperty("primaryKeyId")), p.getProperty("phase", "nodes"),
                    p.getProperty("cursor", ""), Long.parseLong(p.getProperty("blobs", "0")),
                    Long.parseLong(p.getProperty("rewrapped", "0")), Long.parseLong(p.getProperty("current", "0")),
                    Long.parseLong(p.getProperty("plaintext", "0")), Long.parseLong(p.getProperty("encrypted", "0")),
                    Long.parseLong(p.getProperty("failed", "0")),
                    failedIds.isEmpty() ? List.of() : List.of(failedIds.split(",")));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            log.warn("The re-wrap state {} is unreadable ({}); it is ignored", file, e.toString());
            return null;
        }
    }

    private static void write(Path file, RewrapRun run) throws IOException {
        Properties p = new Properties();
        p.setProperty("startedAt", run.startedAt().toString());
        p.setProperty("finishedAt", run.finishedAt() == null ? "" : run.finishedAt().toString());
        p.setProperty("primaryKeyId", Integer.toString(run.primaryKeyId()));
        p.setProperty("phase", run.phase());
        p.setProperty("cursor", run.cursor());
        p.setProperty("blobs", Long.toString(run.blobs()));
        p.setProperty("rewrapped", Long.toString(run.rewrapped()));
        p.setProperty("current", Long.toString(run.current()));
        p.setProperty("plaintext", Long.toString(run.plaintext()));
        p.setProperty("encrypted", Long.toString(run.encrypted()));
        p.setProperty("failed", Long.toString(run.failed()));
        p.setProperty("failedIds", String.join(",", run.failedIds()));
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(writer, "filestore key rotation");
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
