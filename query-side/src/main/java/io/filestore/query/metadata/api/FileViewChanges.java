package io.filestore.query.metadata.api;

import io.filestore.command.api.FileId;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Read-your-writes support: a projection signals every committed change of a file (the metadata view through the
 * shared bean, the search index through an instance of its own), and a writer waits, bounded, until the view shows
 * its change. Waiters are keyed by file, so a signal wakes only the writers of that
 * file; nothing is polled.
 */
public final class FileViewChanges {

    private final Map<FileId, CompletableFuture<Void>> next = new ConcurrentHashMap<>();

    /** Called by the projection after its transaction committed a change of {@code fileId}. */
    public void signal(FileId fileId) {
        CompletableFuture<Void> waiting = next.remove(fileId);
        if (waiting != null) {
            waiting.complete(null);
        }
    }

    /**
     * Waits until {@code visible} is true (it is re-checked after every change of the file) or {@code timeout}
     * passes. Returns whether the change became visible.
     */
    public boolean awaitVisible(FileId fileId, BooleanSupplier visible, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            CompletableFuture<Void> change = next.computeIfAbsent(fileId, id -> new CompletableFuture<>());
            if (visible.getAsBoolean()) {
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
                return visible.getAsBoolean();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
