package io.filestore.command;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.filestore.command.api.CountLinkDownloadCommand;
import io.filestore.command.api.InvalidValueException;
import io.filestore.command.api.LinkDownloadLimitReachedException;
import io.filestore.command.api.PublicLinkDownloadCountedEvent;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * The download counter of one public link with a limit (aggregate id {@code link:<shareId>}), created by its first
 * counted download. Commands on one aggregate run one at a time (and the event store's sequence numbers make a
 * second instance's concurrent count fail and retry), so the limit holds under any concurrency. Snapshotted like a
 * file, so a link with a high limit loads quickly.
 */
@Aggregate(snapshotTriggerDefinition = "fileEntrySnapshotTrigger")
class PublicLinkDownloads {

    @AggregateIdentifier
    private String counterId;
    private int count;

    PublicLinkDownloads() {
        // for Axon and Jackson
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    int handle(CountLinkDownloadCommand command) {
        if (command.shareId() == null || !command.counterId().equals(CountLinkDownloadCommand.counterId(command.shareId()))) {
            throw new InvalidValueException("shareId", "does not match the counter");
        }
        if (command.maxDownloads() < 1) {
            throw new InvalidValueException("maxDownloads", "must be positive");
        }
        if (count >= command.maxDownloads()) {
            throw new LinkDownloadLimitReachedException("the link's " + command.maxDownloads()
                    + " download(s) are used up");
        }
        apply(new PublicLinkDownloadCountedEvent(command.shareId(), command.fileId(), count + 1));
        return count;
    }

    @EventSourcingHandler
    void on(PublicLinkDownloadCountedEvent event) {
        counterId = CountLinkDownloadCommand.counterId(event.shareId());
        count = Math.max(count, event.count());
    }
}
