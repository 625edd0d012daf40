package io.filestore.api.cluster;

import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Tells the other instances which events this instance's processors committed (or parked), so that their writers
 * stop waiting for views whose segments this instance processes. The processors only put notices into a bounded
 * queue ({@code filestore.cluster.applied-queue-capacity}; when it is full a notice is dropped and counted, and a
 * writer elsewhere waits out its bounded timeout); one daemon thread drains it and sends what it found as a few
 * {@code NOTIFY filestore_applied} payloads over one pooled connection, so the processing threads never wait for
 * the network. A database failure drops the batch in hand (logged) and the thread goes on after a pause.
 */
@Component
public class AppliedBroadcaster {

    private static final Logger log = LoggerFactory.getLogger(AppliedBroadcaster.class);
    /** The most notices one round sends (a few payloads). */
    private static final int MAX_BATCH = 2_000;

    private final BlockingQueue<AppliedNotice> queue;
    private final DataSource dataSource;
    private final String origin;
    private final AtomicLong dropped = new AtomicLong();
    /** Notices queued and not yet sent (or given up). */
    private final AtomicLong pending = new AtomicLong();
    private final Thread sender;
    private volatile boolean running = true;

    public AppliedBroadcaster(DataSource dataSource, Instances instances, ClusterProperties properties) {
        this.dataSource = dataSource;
        this.origin = instances.processName();
        this.queue = new ArrayBlockingQueue<>(properties.appliedQueueCapacity());
        this.sender = new Thread(this::run, "cluster-applied-notify");
        sender.setDaemon(true);
        sender.start();
    }

    /** Queues the notice that the view {@code group} applied event {@code sequence} of the aggregate. */
    public void applied(String group, String aggregateId, long sequence) {
        pending.incrementAndGet();
        if (!queue.offer(new AppliedNotice(group, aggregateId, sequence))) {
            pending.decrementAndGet();
            long count = dropped.incrementAndGet();
            if (Long.bitCount(count) == 1) { // 1, 2, 4, 8, ...: a trace without a flood
                log.warn("{} notices of applied events were dropped: the queue to the other instances is full",
                        count);
            }
        }
    }

    /** Notices dropped because the queue was full, since the start. */
    public long dropped() {
        return dropped.get();
    }

    /** Whether every queued notice has been sent (or given up). */
    boolean idle() {
        return pending.get() == 0;
    }

    private void run() {
        List<AppliedNotice> batch = new ArrayList<>();
        while (running) {
            try {
                AppliedNotice first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                send(AppliedNotice.payloads(origin, batch, AppliedNotice.MAX_PAYLOAD_BYTES));
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                log.warn("could not tell the other instances about {} applied events: {}", batch.size(), e.toString());
                pause();
            } finally {
                pending.addAndGet(-batch.size());
                batch.clear();
            }
        }
    }

    private void send(List<String> payloads) throws SQLException {
        if (payloads.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            for (String payload : payloads) {
                notify.setString(1, ClusterListener.APPLIED_CHANNEL);
                notify.setString(2, payload);
                notify.execute();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        sender.interrupt();
    }
}
