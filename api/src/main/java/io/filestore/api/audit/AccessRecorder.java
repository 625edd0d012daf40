package io.filestore.api.audit;

import io.filestore.api.config.AuditProperties;
import io.filestore.command.api.FileDownloadedEvent;
import io.filestore.command.api.FileId;
import io.filestore.command.api.UserId;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.GenericMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Puts downloads into the audit trail without making a read a write on the file: the download path only offers a
 * record to a bounded queue (never blocking); one thread writes the queued records to the event store as
 * {@link FileDownloadedEvent}s without an aggregate, many per transaction. So the records are in the event store
 * (backed up, replayed into the audit view, restored) while a download costs no command, no aggregate load and no
 * transaction of its own. When the queue is full, or the event store cannot take a batch, records are dropped:
 * counted, and logged at most once a minute.
 */
@Component
public class AccessRecorder {

    private static final Logger log = LoggerFactory.getLogger(AccessRecorder.class);
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final EventBus eventBus;
    private final BlockingQueue<Access> queue;
    private final int batchSize;
    private final long flushNanos;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong recorded = new AtomicLong();
    private final Thread writer;
    private volatile boolean stopping;
    private volatile long loggedDropsAt = System.nanoTime() - LOG_EVERY_NANOS;
    private long droppedLogged;

    /** A download record: the event, when it happened, and the client's address (null when unknown). */
    private record Access(Object event, Instant at, String clientAddress) {
    }

    public AccessRecorder(EventBus eventBus, AuditProperties properties) {
        this.eventBus = eventBus;
        this.queue = new ArrayBlockingQueue<>(properties.accessQueueCapacity());
        this.batchSize = properties.accessBatchSize();
        this.flushNanos = properties.accessFlushInterval().toNanos();
        this.writer = new Thread(this::run, "access-recorder");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Records that {@code by} received (part of) version {@code version} of the file. Never blocks. */
    public void downloaded(FileId fileId, int version, UserId by, boolean partial) {
        offer(new FileDownloadedEvent(fileId, version, by, partial));
    }

    /** Records that someone holding the public link {@code shareId} received (part of) the file. Never blocks. */
    public void linkDownloaded(String shareId, FileId fileId, int version, boolean partial) {
        offer(new io.filestore.command.api.PublicLinkDownloadedEvent(shareId, fileId, version, partial));
    }

    private void offer(Object event) {
        if (!queue.offer(new Access(event, Instant.now(), ClientAddressConfiguration.current()))) {
            drop(1);
        }
    }

    /** Records dropped since the start (queue full, or the event store refused a batch). */
    public long dropped() {
        return dropped.get();
    }

    public long recorded() {
        return recorded.get();
    }

    private void run() {
        List<Access> batch = new ArrayList<>(batchSize);
        while (!stopping || !queue.isEmpty()) {
            try {
                Access first = queue.poll(flushNanos, TimeUnit.NANOSECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + flushNanos;
                while (batch.size() < batchSize) {
                    long left = deadline - System.nanoTime();
                    Access next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                write(batch);
                return;
            }
            write(batch);
            batch.clear();
        }
    }

    private void write(List<Access> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<EventMessage<?>> events = new ArrayList<>(batch.size());
        for (Access access : batch) {
            events.add(new GenericEventMessage<>(new GenericMessage<>(access.event(),
                    ClientAddressConfiguration.metadata(access.clientAddress())), access::at));
        }
        try {
            eventBus.publish(events);
            recorded.addAndGet(batch.size());
        } catch (RuntimeException e) {
            log.warn("{} download record(s) could not be written to the event store: {}", batch.size(), e.toString());
            drop(batch.size());
        }
    }

    private void drop(int count) {
        long total = dropped.addAndGet(count);
        long now = System.nanoTime();
        if (now - loggedDropsAt >= LOG_EVERY_NANOS) {
            synchronized (this) {
                if (now - loggedDropsAt >= LOG_EVERY_NANOS) {
                    loggedDropsAt = now;
                    log.warn("Audit trail: {} download record(s) dropped since the start ({} since the last report);"
                            + " the queue holds at most {}", total, total - droppedLogged, queue.remainingCapacity()
                            + queue.size());
                    droppedLogged = total;
                }
            }
        }
    }

    /** Writes what is queued before the application stops. */
    @PreDestroy
    public void stop() throws InterruptedException {
        stopping = true; // the writer sees it within one flush interval, and empties the queue first
        writer.join(TimeUnit.SECONDS.toMillis(10));
    }
}
