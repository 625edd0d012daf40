package io.filestore.query.search;

import io.filestore.command.api.FileId;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    private final Map<FileId, CompletableFuture<Void>> next = new ConcurrentHashMap<>();

    void indexed(FileId fileId, long sequence) {
        synchronized (lastIndexed) {
            lastIndexed.merge(fileId, sequence, Math::max);
        }
        CompletableFuture<Void> waiting = next.remove(fileId);
        if (waiting != null) {
            waiting.complete(null);
        }
    }

    /** The last sequence of the file this process has indexed, or -1 when it does not remember one. */
    long lastIndexed(FileId fileId) {
        synchronized (lastIndexed) {
            return lastIndexed.getOrDefault(fileId, -1L);
        }
    }

    /** Waits until {@code condition} holds, re-checking it after every indexed change of the file, or times out. */
    boolean await(FileId fileId, Check condition, Duration timeout) throws java.io.IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            CompletableFuture<Void> change = next.computeIfAbsent(fileId, id -> new CompletableFuture<>());
            if (condition.holds()) {
                return true;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                next.remove(fileId, change);
                return false;
            }
            try {
                change.get(remaining, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                next.remove(fileId, change);
                return condition.holds();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A condition that may need Elasticsearch to decide. */
    @FunctionalInterface
    interface Check {
        boolean holds() throws java.io.IOException;
    }
}
