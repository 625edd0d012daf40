package io.filestore.replay.restore;

import io.filestore.replay.RestoreInProgressException;
import java.util.List;
import java.util.function.BiFunction;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.springframework.stereotype.Component;

/**
 * Refuses every command while a restore replaces the event store and rebuilds the views, so that no change is
 * written into a store being loaded or decided on views being rebuilt. Registered on the command gateway by Axon's
 * auto-configuration; reads are served throughout (from views that are being rebuilt).
 */
@Component
public class MaintenanceMode implements MessageDispatchInterceptor<CommandMessage<?>> {

    private volatile String restoreId;

    void begin(String restoreId) {
        this.restoreId = restoreId;
    }

    void end() {
        this.restoreId = null;
    }

    public boolean active() {
        return restoreId != null;
    }

    @Override
    public BiFunction<Integer, CommandMessage<?>, CommandMessage<?>> handle(
            List<? extends CommandMessage<?>> messages) {
        return (index, command) -> {
            String id = restoreId;
            if (id != null) {
                throw new RestoreInProgressException("restore " + id + " is in progress: changes are refused "
                        + "until it has finished");
            }
            return command;
        };
    }
}
