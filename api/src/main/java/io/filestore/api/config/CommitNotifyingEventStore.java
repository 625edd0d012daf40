package io.filestore.api.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded event store with every processor reading the event table through its own stream (no shared cache of
 * recent events: see {@link AxonConfiguration#eventStore}), and with those streams woken as soon as this process
 * commits events. Axon's private streams cannot tell when new events exist, so without this an idle pooled processor
 * looks again only every 500 ms and a tracking processor waits out its one-second poll; every write that waits for
 * its view would pay that. Here a commit wakes every open stream at once, and a stream still looks at least every
 * {@code pollInterval} for events that other instances sharing the database committed.
 * <p>
 * Those other instances are heard sooner: every append also runs {@code onAppend} in the appending transaction
 * (in the application, a PostgreSQL {@code NOTIFY} that is delivered when the transaction commits), and an
 * instance that hears another's notification calls {@link #wakeStreams()}. The poll remains the fallback for a
 * notification lost while an instance was not listening.
 */
public class CommitNotifyingEventStore extends EmbeddedEventStore {

    private static final Logger log = LoggerFactory.getLogger(CommitNotifyingEventStore.class);

    private final Set<Runnable> callbacks = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition committed = lock.newCondition();
    private final long pollNanos;
    private final ScheduledExecutorService poller;
    private final Runnable onAppend;
    private volatile long commits;

    public CommitNotifyingEventStore(Builder builder, Duration pollInterval) {
        this(builder, pollInterval, () -> { });
    }

    /**
     * @param onAppend runs in the transaction that appends events, after they were appended (a failure fails the
     *                 append, as a failure of the append itself would)
     */
    public CommitNotifyingEventStore(Builder builder, Duration pollInterval, Runnable onAppend) {
        super(builder);
        this.onAppend = onAppend;
        this.pollNanos = pollInterval.toNanos();
        this.poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "event-stream-poll");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(this::wakeCallbacks, pollNanos, pollNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    protected void prepareCommit(List<? extends EventMessage<?>> events) {
        super.prepareCommit(events);
        if (!events.isEmpty()) {
            onAppend.run();
        }
    }

    @Override
    protected void afterCommit(List<? extends EventMessage<?>> events) {
        super.afterCommit(events);
        wakeStreams();
    }

    /**
     * Wakes every open stream, as a commit of this process does: for events another instance has just committed.
     */
    public void wakeStreams() {
        lock.lock();
        try {
            commits++;
            committed.signalAll();
        } finally {
            lock.unlock();
        }
        wakeCallbacks();
    }

    private void wakeCallbacks() {
        for (Runnable callback : callbacks) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                log.warn("an event stream's availability callback failed: {}", e.toString());
            }
        }
    }

    @Override
    public TrackingEventStream openStream(TrackingToken trackingToken) {
        return new WakingStream(super.openStream(trackingToken));
    }

    @Override
    public void shutDown() {
        poller.shutdownNow();
        super.shutDown();
    }

    /** Waits until a commit after {@code seen} or until {@code nanos} have passed. */
    private void awaitCommitAfter(long seen, long nanos) throws InterruptedException {
        lock.lock();
        try {
            while (commits == seen && nanos > 0) {
                nanos = committed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A private stream that waits for this process's commits instead of sleeping through them. */
    private final class WakingStream implements TrackingEventStream {

        private final TrackingEventStream delegate;
        private volatile Runnable callback;

        WakingStream(TrackingEventStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            return delegate.peek();
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            while (true) {
                long seen = commits;
                if (delegate.hasNextAvailable(0, TimeUnit.NANOSECONDS)) {
                    return true;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                awaitCommitAfter(seen, Math.min(remaining, pollNanos));
            }
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            while (!hasNextAvailable((int) TimeUnit.NANOSECONDS.toMillis(pollNanos) + 1, TimeUnit.MILLISECONDS)) {
                // keep waiting, as the contract of nextAvailable asks
            }
            return delegate.nextAvailable();
        }

        @Override
        public boolean setOnAvailableCallback(Runnable callback) {
            Runnable previous = this.callback;
            if (previous != null) {
                callbacks.remove(previous);
            }
            this.callback = callback;
            callbacks.add(callback);
            return true;
        }

        @Override
        public void skipMessagesWithPayloadTypeOf(TrackedEventMessage<?> ignoredMessage) {
            delegate.skipMessagesWithPayloadTypeOf(ignoredMessage);
        }

        @Override
        public void close() {
            Runnable registered = callback;
            if (registered != null) {
                callbacks.remove(registered);
            }
            delegate.close();
        }
    }
}
