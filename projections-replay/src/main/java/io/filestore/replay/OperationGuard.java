package io.filestore.replay;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Which long operations may run together: one backup at a time, one rebuild at a time, and a restore only alone
 * (it replaces the store that backups read and resets every projection). A blob garbage collection, which decides
 * from the metadata view which blobs are unreferenced, must not overlap a restore or a rebuild (views being rebuilt
 * reference too few blobs): a collector takes {@link Kind#BLOB_COLLECTION} for its pass. Nor may it start while a
 * restore or rebuild that a crash interrupted is still RUNNING in the {@code long_operation} table (the start
 * resumes it, but a collection could come first).
 */
@Component
public class OperationGuard {

    public enum Kind { BACKUP, RESTORE, REBUILD, BLOB_COLLECTION }

    private final Set<Kind> running = EnumSet.noneOf(Kind.class);
    private final BooleanSupplier interruptedViewsOperation;

    @Autowired
    public OperationGuard(LongOperations operations) {
        this(() -> !operations.unfinished(Kind.RESTORE).isEmpty() || !operations.unfinished(Kind.REBUILD).isEmpty());
    }

    /** For tests: nothing was interrupted. */
    OperationGuard() {
        this(() -> false);
    }

    OperationGuard(BooleanSupplier interruptedViewsOperation) {
        this.interruptedViewsOperation = interruptedViewsOperation;
    }

    /** Marks {@code kind} as running, or throws {@link OperationConflictException} naming what is in the way. */
    public synchronized void begin(Kind kind) {
        if (running.contains(Kind.RESTORE)) {
            throw new OperationConflictException("a restore is running");
        }
        if (kind == Kind.RESTORE && !running.isEmpty()) {
            throw new OperationConflictException("a " + name(running.iterator().next()) + " is running");
        }
        if ((kind == Kind.REBUILD && running.contains(Kind.BLOB_COLLECTION))
                || (kind == Kind.BLOB_COLLECTION && running.contains(Kind.REBUILD))) {
            throw new OperationConflictException("a rebuild and a blob garbage collection cannot run together");
        }
        if (running.contains(kind)) {
            throw new OperationConflictException("a " + name(kind) + " is already running");
        }
        if (kind == Kind.BLOB_COLLECTION && interruptedViewsOperation.getAsBoolean()) {
            throw new OperationConflictException("a restore or rebuild interrupted by a stop of the service is "
                    + "being resumed");
        }
        running.add(kind);
    }

    /**
     * {@link #begin}, retried while something is in the way for at most {@code wait} (an operation resumed at start
     * waits for a pass that began before it).
     */
    public void beginWithin(Kind kind, java.time.Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                begin(kind);
                return;
            } catch (OperationConflictException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationConflictException("interrupted while waiting to begin a " + name(kind));
            }
        }
    }

    public synchronized void end(Kind kind) {
        running.remove(kind);
    }

    private static String name(Kind kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
