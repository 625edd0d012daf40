package io.filestore.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Streams of the event store learn of this process's commits at once. The poll interval is an hour here, so
 * everything a test sees within its bounded waits comes from a commit, not from the periodic look.
 */
class CommitNotifyingEventStoreTest {

    private final CommitNotifyingEventStore store = new CommitNotifyingEventStore(EmbeddedEventStore.builder()
            .storageEngine(new InMemoryEventStorageEngine()).optimizeEventConsumption(false), Duration.ofHours(1));

    @AfterEach
    void shutDown() {
        store.shutDown();
    }

    @Test
    void aCommitRunsTheAvailabilityCallbackOfEveryOpenStream() throws Exception {
        TrackingEventStream first = store.openStream(null);
        TrackingEventStream second = store.openStream(null);
        CountDownLatch woken = new CountDownLatch(2);
        assertThat(first.setOnAvailableCallback(woken::countDown)).isTrue();
        assertThat(second.setOnAvailableCallback(woken::countDown)).isTrue();

        store.publish(GenericEventMessage.asEventMessage("uploaded"));

        assertThat(woken.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(first.hasNextAvailable()).isTrue();
        assertThat(first.nextAvailable().getPayload()).isEqualTo("uploaded");
        assertThat(second.nextAvailable().getPayload()).isEqualTo("uploaded");
    }

    @Test
    void aWaitingStreamReturnsWhenEventsAreCommittedRatherThanAtItsTimeout() throws Exception {
        TrackingEventStream stream = store.openStream(null);
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return stream.hasNextAvailable(1, TimeUnit.HOURS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200); // let it start waiting (if it has not, it finds the event at once: the result is the same)

        store.publish(GenericEventMessage.asEventMessage("versioned"));

        assertThat(waiting.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(stream.nextAvailable().getPayload()).isEqualTo("versioned");
    }

    @Test
    void aWaitWithoutCommitsEndsAtItsTimeoutWithNothing() throws Exception {
        TrackingEventStream stream = store.openStream(null);

        assertThat(stream.hasNextAvailable(50, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(stream.peek()).isEmpty();
    }

    @Test
    void aClosedStreamIsNoLongerCalledBack() {
        TrackingEventStream open = store.openStream(null);
        TrackingEventStream closed = store.openStream(null);
        AtomicInteger openCalls = new AtomicInteger();
        AtomicInteger closedCalls = new AtomicInteger();
        open.setOnAvailableCallback(openCalls::incrementAndGet);
        closed.setOnAvailableCallback(closedCalls::incrementAndGet);
        closed.close();

        store.publish(GenericEventMessage.asEventMessage("deleted"));

        assertThat(openCalls.get()).isEqualTo(1); // publishing outside a unit of work commits synchronously
        assertThat(closedCalls.get()).isZero();
    }
}
