package io.filestore.query.search;

import io.filestore.command.api.FileSharedEvent;
import io.filestore.command.api.PublicLinkCreatedEvent;
import io.filestore.command.api.ShareRevokedEvent;

import io.filestore.command.api.FileDeletedEvent;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadataUpdatedEvent;
import io.filestore.command.api.FilePurgedEvent;
import io.filestore.command.api.FileRestoredFromTrashEvent;
import io.filestore.command.api.FileUploadedEvent;
import io.filestore.command.api.FileVersionAddedEvent;
import io.filestore.command.api.FileVersionRestoredEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.deadletter.GenericDeadLetter;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.axonframework.messaging.deadletter.ThrowableCause;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Keeps the Elasticsearch index of live files. Each handler computes the file's state after its event (from the
 * previous event's state in the same batch, else by folding the file's own events from the event store, which is
 * how a restored file comes back whole) and records it in the batch; the batch is written as one bulk request
 * before the processor's token is committed. Writes are idempotent upserts guarded by the aggregate sequence, so
 * replays and retries converge. A failed bulk fails the batch and the processor retries it later: nothing is lost
 * while Elasticsearch is unreachable. A reset (rebuild) makes the index manager open a new index for the replay.
 */
@Component
@ProcessingGroup(SearchProjection.PROCESSING_GROUP)
public class SearchProjection {

    public static final String PROCESSING_GROUP = "search";

    private static final Logger log = LoggerFactory.getLogger(SearchProjection.class);
    private static final String BATCH = SearchProjection.class.getName() + ".batch";

    private final SearchIndexManager manager;
    private final EventStore eventStore;
    private final IndexSignals signals;
    private final Supplier<Optional<SequencedDeadLetterQueue<EventMessage<?>>>> deadLetters;

    public SearchProjection(SearchIndexManager manager, EventStore eventStore, IndexSignals signals) {
        this(manager, eventStore, signals, Optional::empty);
    }

    /** Documents Elasticsearch refuses are parked in the search processor's dead-letter queue. */
    @Autowired
    public SearchProjection(SearchIndexManager manager, EventStore eventStore, IndexSignals signals,
                            ObjectProvider<EventProcessingConfiguration> processing) {
        this(manager, eventStore, signals, () -> Optional.ofNullable(processing.getIfAvailable())
                .flatMap(configuration -> configuration.deadLetterQueue(PROCESSING_GROUP)));
    }

    SearchProjection(SearchIndexManager manager, EventStore eventStore, IndexSignals signals,
                     Supplier<Optional<SequencedDeadLetterQueue<EventMessage<?>>>> deadLetters) {
        this.manager = manager;
        this.eventStore = eventStore;
        this.signals = signals;
        this.deadLetters = deadLetters;
    }

    @EventHandler
    void on(FileUploadedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        record(FileState.uploaded(event, seq, at));
    }

    @EventHandler
    void on(FileVersionAddedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        advance(event.fileId(), event, seq, at);
    }

    @EventHandler
    void on(FileVersionRestoredEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        advance(event.fileId(), event, seq, at);
    }

    @EventHandler
    void on(FileMetadataUpdatedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        advance(event.fileId(), event, seq, at);
    }

    @EventHandler
    void on(FileDeletedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        advance(event.fileId(), event, seq, at);
    }

    @EventHandler
    void on(FileRestoredFromTrashEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        advance(event.fileId(), event, seq, at);
    }

    @EventHandler
    void on(FilePurgedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        advance(event.fileId(), event, seq, at);
    }

    @EventHandler
    void on(FileSharedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        advance(event.fileId(), event, seq, at);
    }

    @EventHandler
    void on(ShareRevokedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        advance(event.fileId(), event, seq, at);
    }

    @EventHandler
    void on(PublicLinkCreatedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        advance(event.fileId(), event, seq, at);
    }

    @ResetHandler
    void reset() {
        manager.prepareReplay();
    }

    private void advance(FileId fileId, Object event, long seq, Instant at) {
        IndexBatch batch = batch();
        FileState previous = batch.state(fileId);
        FileState next;
        if (previous != null && previous.sequence() == seq - 1) {
            next = previous.apply(event, seq, at);
        } else {
            next = FileState.replay(eventStore.readEvents(fileId.value(), 0), seq);
        }
        if (next == null || next.sequence() != seq) {
            log.warn("search: the event store has no consistent history of file {} up to sequence {}; skipped",
                    fileId, seq);
            return;
        }
        record(next);
    }

    private void record(FileState state) {
        IndexBatch batch = batch();
        batch.put(state, currentMessage());
        if (!CurrentUnitOfWork.isStarted()) {
            batch.flush(); // called outside a processor (tests): write at once
            batch.signal();
        }
    }

    private IndexBatch batch() {
        if (!CurrentUnitOfWork.isStarted()) {
            return new IndexBatch(manager, signals);
        }
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get().root();
        return unitOfWork.getOrComputeResource(BATCH, key -> {
            IndexBatch batch = new IndexBatch(manager, signals, this::park);
            unitOfWork.onPrepareCommit(u -> batch.flush());
            unitOfWork.afterCommit(u -> batch.signal());
            return batch;
        });
    }

    private static EventMessage<?> currentMessage() {
        if (!CurrentUnitOfWork.isStarted()) {
            return null;
        }
        return CurrentUnitOfWork.get().getMessage() instanceof EventMessage<?> message ? message : null;
    }

    /**
     * Parks the events of a file whose document Elasticsearch refused, in order, with the refusal as the cause, in
     * the batch's transaction: the rest of the batch commits, the file's later events wait behind them.
     */
    private boolean park(FileId fileId, List<EventMessage<?>> messages, String reason) {
        Optional<SequencedDeadLetterQueue<EventMessage<?>>> queue = deadLetters.get();
        if (queue.isEmpty()) {
            return false;
        }
        String message = reason.replace("\u0000", "");
        ThrowableCause cause = new ThrowableCause(FileIndex.IndexWriteException.class.getName(),
                message.length() > 1000 ? message.substring(0, 1000) : message);
        for (EventMessage<?> event : messages) {
            Object sequence = event instanceof DomainEventMessage<?> domain ? domain.getAggregateIdentifier()
                    : fileId.value();
            // "attempts": the diagnostics key the application's dead-letter policy counts retries with
            queue.get().enqueue(sequence, new GenericDeadLetter<>(sequence, event, cause)
                    .withDiagnostics(MetaData.with("attempts", 1L)));
        }
        log.warn("search: parked {} event(s) of file {}: {}", messages.size(), fileId, message);
        return true;
    }
}
