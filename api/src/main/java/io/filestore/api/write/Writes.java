package io.filestore.api.write;

import io.filestore.api.cluster.SegmentClaims;
import io.filestore.api.config.FilestoreProperties;
import io.filestore.api.config.SearchProperties;
import io.filestore.query.AppliedEvents;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * The one write path: sends a command and waits, bounded by {@code filestore.read-your-writes-timeout} for all of
 * them together, until every view that the command's events reach has applied them, so that the writer's next read
 * shows its write. The events are those the command's handler published (the command bus handles a command in the
 * sending thread). A view is not waited for when it is known to be behind ({@link AppliedEvents#knownBehind}), when
 * its processor is in an error state here (it is retrying with back-off), when its dead-letter queue holds the
 * aggregate (its new events are parked behind the old ones); an event parked while the writer waits counts as
 * applied. When the segment of the aggregate is still claimed by an instance that is gone, the writer frees that
 * claim so that a live instance takes the segment over within its claim interval, and waits. The segment may be processed by any live instance: the one
 * that applies the events announces them to the others ({@link io.filestore.api.cluster.AppliedBroadcaster}), whose
 * listener ({@link io.filestore.api.cluster.ClusterListener}) signals the same {@link AppliedEvents} a local
 * processor would. A view that does not catch up in time never fails the write: the write happened, it is only not yet
 * visible everywhere.
 */
@Service
public class Writes {

    private static final Logger log = LoggerFactory.getLogger(Writes.class);
    private static final ThreadLocal<List<DomainEventMessage<?>>> PUBLISHED = new ThreadLocal<>();

    private final CommandGateway commands;
    private final List<AppliedEvents> views;
    private final ObjectProvider<EventProcessingConfiguration> processing;
    /** Resolved from {@link #processing} once it exists (a bean lookup per write costs more than the rest of it). */
    private volatile EventProcessingConfiguration processingConfiguration;
    private final FilestoreProperties properties;
    private final boolean searchWaits;
    private final io.filestore.api.deadletter.DeadLetters deadLetters;
    private final SegmentClaims claims;
    /** Parked events per processor, refreshed by one writer at a time at most once a second. */
    private volatile Map<String, Long> letterCounts = Map.of();
    private final java.util.concurrent.atomic.AtomicLong lettersCountedAt =
            new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - 2 * COUNTS_MAX_AGE_NANOS);
    private static final long COUNTS_MAX_AGE_NANOS = 1_000_000_000L;

    public Writes(CommandGateway commands, EventBus eventBus, List<AppliedEvents> views,
                  ObjectProvider<EventProcessingConfiguration> processing, FilestoreProperties properties,
                  SearchProperties search, io.filestore.api.deadletter.DeadLetters deadLetters,
                  SegmentClaims claims) {
        this.commands = commands;
        this.claims = claims;
        this.deadLetters = deadLetters;
        this.views = List.copyOf(views);
        this.processing = processing;
        this.properties = properties;
        this.searchWaits = search.readYourWrites();
        eventBus.registerDispatchInterceptor(messages -> {
            List<DomainEventMessage<?>> published = PUBLISHED.get();
            if (published != null) {
                for (Object message : messages) {
                    if (message instanceof DomainEventMessage<?> event) {
                        published.add(event);
                    }
                }
            }
            return (index, message) -> message;
        });
    }

    /**
     * Sends {@code command}, waits for its result, then for the views its events reach.
     *
     * @return the command handler's result (an aggregate's sequence for the file commands)
     */
    public <R> R send(Object command) {
        List<DomainEventMessage<?>> outer = PUBLISHED.get();
        List<DomainEventMessage<?>> published = new ArrayList<>();
        PUBLISHED.set(published);
        R result;
        try {
            result = commands.sendAndWait(command);
        } finally {
            if (outer == null) {
                PUBLISHED.remove();
            } else {
                outer.addAll(published);
                PUBLISHED.set(outer);
            }
        }
        if (outer == null) {
            awaitViews(published);
        }
        return result;
    }

    /** Waits until every view the events reach shows them (bounded; see the class comment). */
    void awaitViews(List<DomainEventMessage<?>> events) {
        if (events.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + properties.readYourWritesTimeout().toNanos();
        for (AppliedEvents view : views) {
            Map<String, Long> reached = new LinkedHashMap<>();
            for (DomainEventMessage<?> event : events) {
                if (view.reaches(event.getPayloadType())) {
                    reached.merge(event.getAggregateIdentifier(), event.getSequenceNumber(), Math::max);
                }
            }
            if (reached.isEmpty() || skipped(view)) {
                continue;
            }
            for (Map.Entry<String, Long> aggregate : reached.entrySet()) {
                if (parked(view, aggregate.getKey())) {
                    continue;
                }
                takeOverIfLost(view, aggregate.getKey());
                long remaining = Math.max(0, deadline - System.nanoTime());
                if (!view.awaitApplied(aggregate.getKey(), aggregate.getValue(),
                        java.time.Duration.ofNanos(remaining))) {
                    log.info("the {} view did not show event {} of {} within {}", view.processingGroup(),
                            aggregate.getValue(), aggregate.getKey(), properties.readYourWritesTimeout());
                }
            }
        }
    }

    private boolean skipped(AppliedEvents view) {
        if (!searchWaits && view.processingGroup().equals("search")) {
            return true;
        }
        if (view.knownBehind()) {
            return true;
        }
        return status(view).values().stream().anyMatch(EventTrackerStatus::isErrorState);
    }

    /**
     * When the aggregate's segment of the view is claimed by an instance that is gone (not processed here: this
     * instance is live), its claim is freed at once ({@link SegmentClaims#takeOverIfLost}), so that a live instance
     * takes the segment over within its claim interval and the writer's bounded wait can end with the write shown.
     */
    private void takeOverIfLost(AppliedEvents view, String aggregateId) {
        Map<Integer, EventTrackerStatus> status = status(view);
        if (status.values().stream().noneMatch(s -> s.getSegment().matches(aggregateId))) {
            claims.takeOverIfLost(view.processingGroup(), aggregateId);
        }
    }

    /**
     * Whether the view's processor has parked the aggregate's events (its later events are parked behind them). The
     * queue is asked only while the processor has letters at all (counts about a second old, counted by one writer
     * at a time), so that writes cost no extra query in the usual case.
     */
    private boolean parked(AppliedEvents view, String aggregateId) {
        if (letterCounts().getOrDefault(view.processingGroup(), 0L) == 0L) {
            return false;
        }
        EventProcessingConfiguration configuration = processingConfiguration();
        return configuration != null && configuration.deadLetterQueue(view.processingGroup())
                .map(queue -> queue.contains(aggregateId)).orElse(false);
    }

    private Map<String, Long> letterCounts() {
        long countedAt = lettersCountedAt.get();
        long now = System.nanoTime();
        if (now - countedAt > COUNTS_MAX_AGE_NANOS && lettersCountedAt.compareAndSet(countedAt, now)) {
            letterCounts = deadLetters.counts(); // the other writers meanwhile use the previous counts
        }
        return letterCounts;
    }

    private Map<Integer, EventTrackerStatus> status(AppliedEvents view) {
        EventProcessingConfiguration configuration = processingConfiguration();
        if (configuration == null) {
            return Map.of();
        }
        Optional<StreamingEventProcessor> processor =
                configuration.eventProcessor(view.processingGroup(), StreamingEventProcessor.class);
        return processor.map(StreamingEventProcessor::processingStatus).orElse(Map.of());
    }

    private EventProcessingConfiguration processingConfiguration() {
        EventProcessingConfiguration configuration = processingConfiguration;
        if (configuration == null) {
            configuration = processing.getIfAvailable();
            processingConfiguration = configuration;
        }
        return configuration;
    }
}
