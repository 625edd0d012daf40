package io.filestore.api.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.api.config.CommitNotifyingEventStore;
import io.filestore.query.AppliedEvents;
import io.filestore.query.AppliedSignals;
import io.filestore.testsupport.TestServicesSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.mock.env.MockEnvironment;

/**
 * The notifications between instances through the real PostgreSQL: one "instance" listens (its own connection),
 * another sends. The listener's event stream polls only once an hour here, so a stream woken within the bounded
 * waits was woken by a notification.
 */
class ClusterNotificationsTest {

    private static final ClusterProperties PROPERTIES =
            new ClusterProperties(true, Duration.ofSeconds(5), Duration.ofSeconds(10), 2000, 100,
                    Duration.ofMillis(200));

    private final String listenerId = "test-listener-" + UUID.randomUUID().toString().substring(0, 8);
    private final PGSimpleDataSource dataSource = dataSource();
    private final AppliedSignals view = new AppliedSignals("test-view", Object.class);
    private final CommitNotifyingEventStore store = new CommitNotifyingEventStore(EmbeddedEventStore.builder()
            .storageEngine(new InMemoryEventStorageEngine()).optimizeEventConsumption(false), Duration.ofHours(1));
    private final ClusterListener listener = listener();
    private AppliedBroadcaster sender;
    private AppliedBroadcaster self;

    private static PGSimpleDataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(TestServicesSource.services().jdbcUrl());
        dataSource.setUser(TestServicesSource.services().user());
        dataSource.setPassword(TestServicesSource.services().password());
        return dataSource;
    }

    private ClusterListener listener() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("spring.datasource.url", TestServicesSource.services().jdbcUrl())
                .withProperty("spring.datasource.username", TestServicesSource.services().user())
                .withProperty("spring.datasource.password", TestServicesSource.services().password());
        StaticListableBeanFactory beans = new StaticListableBeanFactory(Map.of("view", view, "eventBus", store));
        return new ClusterListener(new Instances(listenerId, 0, dataSource), environment,
                beans.getBeanProvider(EventBus.class), beans.getBeanProvider(AppliedEvents.class), PROPERTIES);
    }

    @AfterEach
    void stop() {
        listener.stop();
        for (AppliedBroadcaster broadcaster : new AppliedBroadcaster[] {sender, self}) {
            if (broadcaster != null) {
                broadcaster.stop();
            }
        }
        store.shutDown();
    }

    private void startListening() throws InterruptedException {
        listener.start();
        awaitListening();
    }

    private void awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!listener.listening() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(listener.listening()).as("the listener is listening").isTrue();
    }

    @Test
    void eventsAppliedByAnotherInstanceReachThisInstancesViewAndItsOwnAreIgnored() throws Exception {
        startListening();
        self = new AppliedBroadcaster(dataSource, new Instances(listenerId, 0, dataSource), PROPERTIES);
        sender = new AppliedBroadcaster(dataSource, new Instances("test-sender", 0, dataSource), PROPERTIES);

        self.applied("test-view", "own-aggregate", 4);
        awaitSent(self);
        sender.applied("test-view", "file-1", 3);
        sender.applied("other-view", "file-2", 9);

        assertThat(view.awaitApplied("file-1", 3, Duration.ofSeconds(30))).isTrue();
        // the instance's own notice was delivered before the other one's (commit order), and was ignored
        assertThat(view.awaitApplied("own-aggregate", 4, Duration.ZERO)).isFalse();
        assertThat(view.awaitApplied("file-2", 9, Duration.ZERO)).isFalse();
    }

    @Test
    void anotherInstancesCommittedAppendWakesTheEventStreams() throws Exception {
        startListening();
        TrackingEventStream stream = store.openStream(null);
        CountDownLatch woken = new CountDownLatch(1);
        stream.setOnAvailableCallback(woken::countDown);

        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            notifyEvents(connection, new Instances(listenerId, 0, dataSource).processName()); // own: woken locally
            notifyEvents(connection, "another-instance");
            connection.commit();
        }

        assertThat(woken.await(30, TimeUnit.SECONDS)).isTrue();
        stream.close();
    }

    @Test
    void theListenerReconnectsWhenItsSessionIsKilled() throws Exception {
        startListening();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement kill = connection.prepareStatement(
                     "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE ?")) {
            kill.setString(1, Instances.APPLICATION_NAME_PREFIX + listenerId + "/%");
            try (var rows = kill.executeQuery()) {
                assertThat(rows.next()).as("the listener's session, named after its instance").isTrue();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (listener.listening() && System.nanoTime() < deadline) {
            Thread.sleep(20); // it notices the lost connection
        }
        awaitListening();

        sender = new AppliedBroadcaster(dataSource, new Instances("test-sender", 0, dataSource), PROPERTIES);
        sender.applied("test-view", "after-reconnect", 1);
        assertThat(view.awaitApplied("after-reconnect", 1, Duration.ofSeconds(30))).isTrue();
    }

    private static void notifyEvents(Connection connection, String origin) throws Exception {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_notify('" + ClusterListener.EVENTS_CHANNEL + "', '" + origin + "')");
        }
    }

    /** Waits until the broadcaster's queue is empty and its batch sent (it sends what it takes at once). */
    private static void awaitSent(AppliedBroadcaster broadcaster) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!broadcaster.idle() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(broadcaster.idle()).isTrue();
    }
}
