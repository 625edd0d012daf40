package io.filestore.replay;

import java.util.EnumSet;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Which long operations may run together: one backup at a time, one rebuild at a time, and a restore only alone
 * (it replaces the store that backups read and resets every projection). A blob garbage collection, which decides
 * from the metadata view which blobs are unreferenced, must not overlap a restore or a rebuild (views being rebuilt
 * reference too few blobs): a collector takes {@link Kind#BLOB_COLLECTION} for its pass.
 */
@Component
public class OperationGuard {

    public enum Kind { BACKUP, RESTORE, REBUILD, BLOB_COLLECTION }

    private final Set<Kind> running = EnumSet.noneOf(Kind.class);

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
        running.add(kind);
    }

    public synchronized void end(Kind kind) {
        running.remove(kind);
    }

    private static String name(Kind kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
