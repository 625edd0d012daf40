package io.filestore.query.search;

import io.filestore.query.metadata.api.FileViewChanges;

import io.filestore.command.api.FileId;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * What the search projection has written, for writers waiting for their own change: after each committed batch
 * the projection announces every file it wrote with its aggregate sequence. The last sequence of the most recent
 * {@value #REMEMBERED} files is kept; waiters are woken per file, nothing is polled.
 */
@Component
public class IndexSignals {

    static final int REMEMBERED = 10_000;

    private final Map<FileId, Long> lastIndexed = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<FileId, Long> eldest) {
            return size() > REMEMBERED;
        }
    };
    /** The per-file signal and bounded wait, the same mechanism the metadata view's writers use. */
    private final FileViewChanges changes = new FileViewChanges();
    /** Failed batch writes since the last one that succeeded (the processor is retrying with back-off). */
    private final java.util.concurrent.atomic.AtomicInteger failedWrites = new java.util.concurrent.atomic.AtomicInteger();

    /** A batch could not be written; returns true for the first failure after a success. */
    boolean writeFailed() {
        return failedWrites.getAndIncrement() == 0;
    }

    /** A batch was written; returns how many failed before it. */
    int written() {
        return failedWrites.getAndSet(0);
    }

    /**
     * Whether the projection's last write failed: until one succeeds the index is known to be behind, and a writer
     * waiting for it would only wait out its whole timeout.
     */
    boolean writeFailing() {
        return failedWrites.get() > 0;
    }

    void indexed(FileId fileId, long sequence) {
        synchronized (lastIndexed) {
            lastIndexed.merge(fileId, sequence, Math::max);
        }
        changes.signal(fileId);
    }

    /** The last sequence of the file this process has indexed, or -1 when it does not remember one. */
    long lastIndexed(FileId fileId) {
        synchronized (lastIndexed) {
            return lastIndexed.getOrDefault(fileId, -1L);
        }
    }

    /** Waits until {@code condition} holds, re-checking it after every indexed change of the file, or times out. */
    boolean await(FileId fileId, Check condition, Duration timeout) throws java.io.IOException {
        try {
            return changes.awaitVisible(fileId, () -> {
                try {
                    return condition.holds();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, timeout);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** A condition that may need Elasticsearch to decide. */
    @FunctionalInterface
    interface Check {
        boolean holds() throws java.io.IOException;
    }
}
