package io.filestore.query.search;

import java.util.Map;
import java.util.OptionalLong;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** {@link ProjectionReplay} on the Axon streaming processor of the {@code search} processing group. */
@Component
class AxonProjectionReplay implements ProjectionReplay {

    private final ObjectProvider<EventProcessingConfiguration> processing;
    private final ObjectProvider<EventStore> eventStore;

    AxonProjectionReplay(ObjectProvider<EventProcessingConfiguration> processing,
                         ObjectProvider<EventStore> eventStore) {
        this.processing = processing;
        this.eventStore = eventStore;
    }

    @Override
    public void replay() {
        StreamingEventProcessor processor = processor();
        processor.shutDown();
        try {
            processor.resetTokens();
        } finally {
            processor.start();
        }
    }

    @Override
    public OptionalLong lowestPosition() {
        Map<Integer, EventTrackerStatus> status = processor().processingStatus();
        double covered = 0;
        long lowest = Long.MAX_VALUE;
        for (EventTrackerStatus segment : status.values()) {
            if (segment.isErrorState()) {
                return OptionalLong.empty();
            }
            covered += 1.0 / (segment.getSegment().getMask() + 1);
            OptionalLong position = segment.getCurrentPosition();
            lowest = Math.min(lowest, position.orElse(-1));
        }
        return status.isEmpty() || Math.abs(covered - 1.0) > 1e-9 ? OptionalLong.empty() : OptionalLong.of(lowest);
    }

    @Override
    public boolean processedAny() {
        Map<Integer, EventTrackerStatus> status = processor().processingStatus();
        return status.isEmpty()
                || status.values().stream().anyMatch(segment -> segment.getCurrentPosition().orElse(-1) >= 0);
    }

    @Override
    public long headPosition() {
        TrackingToken head = eventStore.getObject().createHeadToken();
        return head == null ? -1 : head.position().orElse(-1);
    }

    private StreamingEventProcessor processor() {
        return processing.getObject()
                .eventProcessor(SearchProjection.PROCESSING_GROUP, StreamingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("no streaming event processor '"
                        + SearchProjection.PROCESSING_GROUP + "'"));
    }
}
