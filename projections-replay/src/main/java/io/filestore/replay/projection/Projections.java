package io.filestore.replay.projection;

import io.filestore.query.ProcessorControl;
import io.filestore.query.ViewDigest;
import io.filestore.replay.UnknownProjectionException;
import io.filestore.replay.store.EventStoreTables;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The projections, generically: every streaming event processor of the application (metadata, audit, and whatever
 * projection joins later), found by processing group. Resets them and tells when a replay has caught up, by
 * position: after a reset Axon's "replaying" flag stays on until a newer event arrives, so the end of a replay is
 * when every segment has processed the head of the store as it was when the replay began.
 */
@Component
public class Projections {

    private static final Logger log = LoggerFactory.getLogger(Projections.class);
    private static final long POLL_MILLIS = 200;

    private final EventProcessingConfiguration processing;
    private final EventStoreTables tables;
    private final List<ViewDigest> digests;
    private final ProcessorControl control;

    public Projections(EventProcessingConfiguration processing, EventStoreTables tables, List<ViewDigest> digests,
                       ProcessorControl control) {
        this.processing = processing;
        this.tables = tables;
        this.digests = digests;
        this.control = control;
    }

    /** Every streaming processor, by name. */
    public List<StreamingEventProcessor> all() {
        return processing.eventProcessors().values().stream()
                .filter(StreamingEventProcessor.class::isInstance)
                .map(StreamingEventProcessor.class::cast)
                .sorted(Comparator.comparing(StreamingEventProcessor::getName))
                .toList();
    }

    /** The streaming processor of a processing group. */
    public StreamingEventProcessor byGroup(String group) {
        return processing.eventProcessorByProcessingGroup(group, StreamingEventProcessor.class)
                .orElseThrow(() -> new UnknownProjectionException("no projection " + group));
    }

    public List<ProjectionStatus> status() {
        long head = tables.head();
        return all().stream().map(p -> status(p, head)).toList();
    }

    public ProjectionStatus status(StreamingEventProcessor processor, long head) {
        Map<Integer, EventTrackerStatus> statuses = processor.processingStatus();
        int segments = processing.tokenStore(processor.getName()).fetchSegments(processor.getName()).length;
        String error = statuses.values().stream().filter(EventTrackerStatus::isErrorState)
                .map(s -> String.valueOf(s.getError())).findFirst().orElse(null);
        return new ProjectionStatus(processor.getName(), processor.isRunning(), segments, statuses.size(),
                position(statuses), head, caughtUp(statuses, segments, head), error);
    }

    /**
     * Shuts the processor down, resets its tokens to the start of the stream (its {@code @ResetHandler}s clear its
     * views, in the same transaction as the token change when one is active) and starts it again.
     */
    public void rebuild(StreamingEventProcessor processor) {
        requireResettable(processor);
        control.exclusively(() -> {
            processor.shutDown();
            try {
                processor.resetTokens();
                log.info("Projection {} reset: it replays the event store from the start", processor.getName());
            } finally {
                processor.start();
            }
        });
    }

    public void requireResettable(StreamingEventProcessor processor) {
        if (!processor.supportsReset()) {
            throw new UnknownProjectionException("projection " + processor.getName() + " cannot be replayed");
        }
    }

    /**
     * Waits until every processor has processed every event up to {@code head}, reporting the lowest position
     * reached as it goes.
     *
     * @throws ReplayTimeoutException when that takes longer than {@code timeout}
     */
    public void awaitCaughtUp(Collection<StreamingEventProcessor> processors, long head, Duration timeout,
                              LongConsumer progress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long lowest = Long.MAX_VALUE;
            boolean all = true;
            for (StreamingEventProcessor processor : processors) {
                ProjectionStatus status = status(processor, head);
                lowest = Math.min(lowest, status.position());
                all &= status.caughtUp();
            }
            progress.accept(processors.isEmpty() ? head : lowest);
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline) {
                String behind = processors.stream().map(p -> status(p, head)).filter(s -> !s.caughtUp())
                        .map(s -> s.name() + " at " + s.position() + (s.error() == null ? "" : " (" + s.error() + ")"))
                        .reduce((a, b) -> a + ", " + b).orElse("");
                throw new ReplayTimeoutException("the projections did not reach position " + head + " within "
                        + timeout + ": " + behind);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ReplayTimeoutException("interrupted while waiting for the projections to catch up");
            }
        }
    }

    /** The digest of each named projection's views (projections without a digest are left out), by name. */
    public Map<String, String> digests(Collection<String> groups) {
        Map<String, String> result = new TreeMap<>();
        for (ViewDigest digest : digests) {
            if (groups.contains(digest.processingGroup())) {
                result.put(digest.processingGroup(), digest.digest());
            }
        }
        return result;
    }

    /** The digest of every projection's views. */
    public Map<String, String> digests() {
        return digests(digests.stream().map(ViewDigest::processingGroup).toList());
    }

    public Optional<ViewDigest> digestOf(String group) {
        return digests.stream().filter(d -> d.processingGroup().equals(group)).findFirst();
    }

    private static long position(Map<Integer, EventTrackerStatus> statuses) {
        long lowest = Long.MAX_VALUE;
        for (EventTrackerStatus status : statuses.values()) {
            OptionalLong position = status.getCurrentPosition();
            lowest = Math.min(lowest, position.isPresent() ? position.getAsLong() : -1);
        }
        return statuses.isEmpty() ? -1 : lowest;
    }

    private static boolean caughtUp(Map<Integer, EventTrackerStatus> statuses, int segments, long head) {
        if (segments == 0 || statuses.size() < segments) {
            return false;
        }
        for (EventTrackerStatus status : statuses.values()) {
            if (status.isErrorState()) {
                return false;
            }
            OptionalLong position = status.getCurrentPosition();
            if (head > 0 && (position.isEmpty() || position.getAsLong() < head)) {
                return false;
            }
        }
        return true;
    }
}
