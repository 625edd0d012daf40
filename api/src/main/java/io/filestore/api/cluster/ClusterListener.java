package io.filestore.api.cluster;

import io.filestore.api.config.CommitNotifyingEventStore;
import io.filestore.query.AppliedEvents;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.axonframework.eventhandling.EventBus;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Hears, through PostgreSQL's {@code LISTEN}, what the other instances sharing the database did: every event append
 * notifies {@value #EVENTS_CHANNEL} when its transaction commits (payload: the appending instance), and every
 * processor's committed events are announced on {@value #APPLIED_CHANNEL} ({@link AppliedBroadcaster}). The first
 * wakes this instance's processor streams at once (instead of at their next poll); the second feeds this instance's
 * {@link AppliedEvents}, so that a writer here stops waiting as soon as the instance that processes the view's
 * segment has applied the write. Notices an instance sent itself are ignored (it signalled them locally already).
 * <p>
 * One dedicated connection, outside the pool (a pooled connection would be lost to the pool for good), named like
 * the pool's ({@code filestore/<id>}), read by one daemon thread that blocks at most a few seconds at a time and
 * checks the connection every half minute of silence. After a failure it reconnects with a doubling back-off up to
 * {@code filestore.cluster.listener-max-backoff}, and on every (re)connection wakes the streams once, since
 * notifications sent while it was away are lost; the streams' periodic poll stays the fallback throughout.
 */
@Component
public class ClusterListener implements SmartLifecycle {

    /** Notified inside every event-appending transaction, so it arrives when the events are committed. */
    public static final String EVENTS_CHANNEL = "filestore_events";
    /** Carries {@link AppliedNotice} payloads. */
    public static final String APPLIED_CHANNEL = "filestore_applied";

    private static final Logger log = LoggerFactory.getLogger(ClusterListener.class);
    private static final int WAIT_MILLIS = 5_000;
    private static final long CHECK_NANOS = 30_000_000_000L;

    private final Instances instances;
    private final Environment environment;
    private final ObjectProvider<EventBus> eventBus;
    private final ObjectProvider<AppliedEvents> views;
    private final long maxBackoffMillis;
    private volatile boolean running;
    private volatile boolean listening;
    private volatile Connection connection;
    private Thread thread;
    private List<AppliedEvents> resolvedViews;

    public ClusterListener(Instances instances, Environment environment, ObjectProvider<EventBus> eventBus,
                           ObjectProvider<AppliedEvents> views, ClusterProperties properties) {
        this.instances = instances;
        this.environment = environment;
        this.eventBus = eventBus;
        this.views = views;
        this.maxBackoffMillis = properties.listenerMaxBackoff().toMillis();
    }

    /** Whether the listener connection is open and listening now. */
    public boolean listening() {
        return listening;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "cluster-listener");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        Connection open = connection;
        if (open != null) {
            try {
                open.close(); // ends a blocked wait for notifications
            } catch (SQLException e) {
                // closing anyway
            }
        }
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        long backoff = 0;
        while (running) {
            try (Connection open = open()) {
                connection = open;
                try (Statement statement = open.createStatement()) {
                    statement.execute("LISTEN " + EVENTS_CHANNEL);
                    statement.execute("LISTEN " + APPLIED_CHANNEL);
                }
                listening = true;
                if (backoff > 0) {
                    log.info("listening again for the other instances' events");
                }
                backoff = 0;
                wakeStreams(); // whatever was notified while this instance was not listening
                listen(open);
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                backoff = backoff == 0 ? 500 : Math.min(backoff * 2, maxBackoffMillis);
                log.warn("the listener for the other instances' events failed ({}); reconnecting in {} ms",
                        e.toString(), backoff);
            } finally {
                listening = false;
                connection = null;
            }
            if (running && backoff > 0) {
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void listen(Connection open) throws SQLException {
        PGConnection postgres = open.unwrap(PGConnection.class);
        long checked = System.nanoTime();
        while (running) {
            PGNotification[] notifications = postgres.getNotifications(WAIT_MILLIS);
            if (notifications != null && notifications.length > 0) {
                checked = System.nanoTime();
                handle(notifications);
            } else if (System.nanoTime() - checked > CHECK_NANOS) {
                try (Statement statement = open.createStatement()) {
                    statement.execute("SELECT 1"); // a connection that died silently fails here
                }
                checked = System.nanoTime();
            }
        }
    }

    private void handle(PGNotification[] notifications) {
        boolean wake = false;
        for (PGNotification notification : notifications) {
            String payload = notification.getParameter();
            if (EVENTS_CHANNEL.equals(notification.getName())) {
                wake |= !instances.processName().equals(payload);
            } else if (APPLIED_CHANNEL.equals(notification.getName()) && payload != null) {
                String origin = AppliedNotice.origin(payload);
                if (origin != null && !origin.equals(instances.processName())) {
                    applied(AppliedNotice.parse(payload));
                }
            }
        }
        if (wake) {
            wakeStreams();
        }
    }

    private void applied(List<AppliedNotice> notices) {
        List<AppliedEvents> known = views();
        for (AppliedNotice notice : notices) {
            for (AppliedEvents view : known) {
                if (view.processingGroup().equals(notice.processingGroup())) {
                    view.applied(notice.aggregateId(), notice.sequence());
                }
            }
        }
    }

    private List<AppliedEvents> views() {
        if (resolvedViews == null) {
            resolvedViews = views.orderedStream().toList();
        }
        return resolvedViews;
    }

    private void wakeStreams() {
        if (eventBus.getIfAvailable() instanceof CommitNotifyingEventStore store) {
            store.wakeStreams();
        }
    }

    /** A connection of its own (not from the pool), named like this instance's pooled ones. */
    private Connection open() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", environment.getProperty("spring.datasource.username", ""));
        properties.setProperty("password", environment.getProperty("spring.datasource.password", ""));
        properties.setProperty("ApplicationName", instances.applicationName());
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "60");
        properties.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(environment.getRequiredProperty("spring.datasource.url"), properties);
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000; // after the processors have started, stopped before them
    }
}
