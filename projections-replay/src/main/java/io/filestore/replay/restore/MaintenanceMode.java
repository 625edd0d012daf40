package io.filestore.replay.restore;

import io.filestore.replay.LongOperations;
import io.filestore.replay.RestoreInProgressException;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Refuses every command while a restore replaces the event store and rebuilds the views, so that no change is
 * written into a store being loaded or decided on views being rebuilt. Registered on the command gateway by Axon's
 * auto-configuration; reads are served throughout (from views that are being rebuilt). It holds across a restart:
 * until a restore has begun or ended in this process, a restore the {@code long_operation} table shows unfinished
 * (a crash interrupted it; it is resumed or rolled back at start) keeps commands refused. With several instances on
 * the database, a restore running on another one is followed ({@link #observe}, by {@link RestoreFollower}): every
 * instance refuses commands while any of them restores.
 */
@Component
public class MaintenanceMode implements MessageDispatchInterceptor<CommandMessage<?>> {

    private final Supplier<Optional<String>> unfinished;
    private volatile String restoreId;
    private volatile boolean known;
    /** Whether the restore in {@link #restoreId} runs in this process (then only it ends maintenance here). */
    private boolean local;

    @Autowired
    public MaintenanceMode(LongOperations operations) {
        this(() -> operations.unfinishedRestore().map(LongOperations.Operation::id));
    }

    /** For tests: no restore was left unfinished. */
    MaintenanceMode() {
        this(Optional::empty);
    }

    MaintenanceMode(Supplier<Optional<String>> unfinished) {
        this.unfinished = unfinished;
    }

    synchronized void begin(String restoreId) {
        this.restoreId = restoreId;
        this.known = true;
        this.local = true;
    }

    synchronized void end() {
        this.restoreId = null;
        this.known = true;
        this.local = false;
    }

    /**
     * The restore that the database shows running on another instance past its validation, or null when none is:
     * followed unless this process runs a restore itself.
     */
    synchronized void observe(String restoreId) {
        if (!local) {
            this.restoreId = restoreId;
            this.known = true;
        }
    }

    public boolean active() {
        return current() != null;
    }

    private String current() {
        if (!known) {
            synchronized (this) {
                if (!known) {
                    restoreId = unfinished.get().orElse(null);
                    known = true;
                }
            }
        }
        return restoreId;
    }

    @Override
    public BiFunction<Integer, CommandMessage<?>, CommandMessage<?>> handle(
            List<? extends CommandMessage<?>> messages) {
        return (index, command) -> {
            String id = current();
            if (id != null) {
                throw new RestoreInProgressException("restore " + id + " is in progress: changes are refused "
                        + "until it has finished");
            }
            return command;
        };
    }
}
