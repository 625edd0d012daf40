package io.filestore.replay;

import java.util.EnumSet;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Which long operations may run together: one backup at a time, one rebuild at a time, and a restore only alone
 * (it replaces the store that backups read and resets every projection).
 */
@Component
public class OperationGuard {

    public enum Kind { BACKUP, RESTORE, REBUILD }

    private final Set<Kind> running = EnumSet.noneOf(Kind.class);

    /** Marks {@code kind} as running, or throws {@link OperationConflictException} naming what is in the way. */
    public synchronized void begin(Kind kind) {
        if (running.contains(Kind.RESTORE)) {
            throw new OperationConflictException("a restore is running");
        }
        if (kind == Kind.RESTORE && !running.isEmpty()) {
            throw new OperationConflictException("a " + running.iterator().next().name().toLowerCase() + " is running");
        }
        if (running.contains(kind)) {
            throw new OperationConflictException("a " + kind.name().toLowerCase() + " is already running");
        }
        running.add(kind);
    }

    public synchronized void end(Kind kind) {
        running.remove(kind);
    }
}
