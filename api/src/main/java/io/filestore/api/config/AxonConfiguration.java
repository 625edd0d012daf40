package io.filestore.api.config;

import javax.sql.DataSource;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.UnitOfWorkAwareConnectionProviderWrapper;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcSQLErrorCodesResolver;
import org.axonframework.serialization.Serializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.transaction.PlatformTransactionManager;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.serialization.jackson3.Jackson3SerializerCustomizer;
import org.axonframework.spring.eventsourcing.SpringAggregateSnapshotterFactoryBean;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

/**
 * Axon wiring that Spring Boot's auto-configuration leaves to the application. The JDBC event store, token store
 * and Axon transaction manager are declared here because Axon 4.13's auto-configuration checks for the
 * DataSource and transaction manager before Spring Boot 4's JDBC auto-configuration has registered them, and
 * then silently skips the event store.
 */
@Configuration(proxyBeanMethods = false)
public class AxonConfiguration {

    /** The snake_case tables of migration V1 (Axon's JDBC defaults are JPA-style camelCase names). */
    public static final EventSchema EVENT_SCHEMA = EventSchema.builder()
            .eventTable("domain_event_entry")
            .snapshotTable("snapshot_event_entry")
            .globalIndexColumn("global_index")
            .timestampColumn("time_stamp")
            .eventIdentifierColumn("event_identifier")
            .aggregateIdentifierColumn("aggregate_identifier")
            .sequenceNumberColumn("sequence_number")
            .typeColumn("type")
            .payloadTypeColumn("payload_type")
            .payloadRevisionColumn("payload_revision")
            .payloadColumn("payload")
            .metaDataColumn("meta_data")
            .build();

    public static final TokenSchema TOKEN_SCHEMA = TokenSchema.builder()
            .setTokenTable("token_entry")
            .setProcessorNameColumn("processor_name")
            .setSegmentColumn("segment")
            .setTokenColumn("token")
            .setTokenTypeColumn("token_type")
            .setTimestampColumn("timestamp")
            .setOwnerColumn("owner")
            .build();

    @Bean
    public TransactionManager axonTransactionManager(PlatformTransactionManager transactionManager) {
        return new SpringTransactionManager(transactionManager);
    }

    @Bean
    public ConnectionProvider axonConnectionProvider(DataSource dataSource) {
        return new UnitOfWorkAwareConnectionProviderWrapper(new SpringDataSourceConnectionProvider(dataSource));
    }

    /** Events in {@code domain_event_entry} (bytea payloads, BIGSERIAL global index), created by Flyway. */
    @Bean
    public EventStorageEngine eventStorageEngine(Serializer defaultSerializer,
                                                 @Qualifier("eventSerializer") Serializer eventSerializer,
                                                 org.axonframework.config.Configuration configuration,
                                                 ConnectionProvider connectionProvider,
                                                 TransactionManager transactionManager) {
        return JdbcEventStorageEngine.builder()
                .snapshotSerializer(defaultSerializer)
                .eventSerializer(eventSerializer)
                .upcasterChain(configuration.upcasterChain())
                .snapshotFilter(configuration.snapshotFilter())
                .persistenceExceptionResolver(new JdbcSQLErrorCodesResolver())
                .connectionProvider(connectionProvider)
                .transactionManager(transactionManager)
                .schema(EVENT_SCHEMA)
                .build();
    }

    /**
     * The event store, with every processor reading the event table itself instead of sharing the embedded store's
     * in-memory cache of recent events: a restore replaces the event table, and a cache filled from the replaced
     * table would feed the replaying projections events that no longer exist (and make them skip restored ones).
     * The processors' streams are woken by this process's commits and look for other instances' events every
     * {@code filestore.event-poll-interval} (one small query per processor). Sooner, in fact: every append also
     * notifies {@code filestore_events} in its transaction (PostgreSQL delivers it at commit, and drops it on
     * rollback), and each instance's {@link io.filestore.api.cluster.ClusterListener} wakes its streams when another
     * instance's notification arrives.
     */
    @Qualifier("eventStore")
    @Bean(name = "eventBus")
    public EmbeddedEventStore eventStore(EventStorageEngine storageEngine,
                                         org.axonframework.config.Configuration configuration,
                                         FilestoreProperties properties, ConnectionProvider connectionProvider,
                                         io.filestore.api.cluster.Instances instances) {
        EmbeddedEventStore.Builder builder = EmbeddedEventStore.builder()
                .storageEngine(storageEngine)
                .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
                .spanFactory(configuration.getComponent(EventBusSpanFactory.class))
                .optimizeEventConsumption(false);
        String origin = instances.processName();
        return new CommitNotifyingEventStore(builder, properties.eventPollInterval(),
                () -> notifyAppended(connectionProvider, origin));
    }

    /**
     * {@code NOTIFY filestore_events, '<instance>'} on the appending transaction's connection (the same one the
     * storage engine appended with). PostgreSQL folds identical notifications of one transaction into one.
     */
    private static void notifyAppended(ConnectionProvider connectionProvider, String origin) {
        java.sql.Connection connection = null;
        try {
            connection = connectionProvider.getConnection();
            try (java.sql.PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                notify.setString(1, io.filestore.api.cluster.ClusterListener.EVENTS_CHANNEL);
                notify.setString(2, origin);
                notify.execute();
            }
        } catch (java.sql.SQLException e) {
            throw new org.axonframework.eventsourcing.eventstore.EventStoreException(
                    "could not notify the other instances of the appended events", e);
        } finally {
            org.axonframework.common.jdbc.JdbcUtils.closeQuietly(connection);
        }
    }

    /**
     * Processor positions in {@code token_entry}, in the same database and transaction as the views; a segment's
     * owner is the instance's name ({@link io.filestore.api.cluster.Instances}). A claim not extended for
     * {@code filestore.cluster.claim-timeout} (its instance died) is taken over by another instance.
     */
    @Bean
    public TokenStore tokenStore(ConnectionProvider connectionProvider, Serializer serializer,
                                 io.filestore.api.cluster.Instances instances,
                                 io.filestore.api.cluster.ClusterProperties cluster) {
        return JdbcTokenStore.builder()
                .nodeId(instances.id())
                .connectionProvider(connectionProvider)
                .schema(TOKEN_SCHEMA)
                .serializer(serializer)
                .claimTimeout(cluster.claimTimeout())
                .build();
    }

    /**
     * Jackson 3 refuses polymorphic types it has not been told about; Axon's tracking tokens (a ReplayToken wraps
     * other tokens by class name) must be allowed or a processor reset breaks its stored token (AxonFramework
     * #4160). Only Axon's and this application's classes are allowed. Unknown properties are tolerated so that an
     * event gaining a field stays readable by older code.
     */
    @Bean
    public Jackson3SerializerCustomizer axonJacksonCustomizer() {
        return builder -> builder
                .polymorphicTypeValidator(BasicPolymorphicTypeValidator.builder()
                        .allowIfSubType("org.axonframework.")
                        .allowIfSubType("io.filestore.")
                        .build())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .changeDefaultVisibility(visibility -> visibility
                        .withFieldVisibility(com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.ANY)
                        .withGetterVisibility(com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.NONE)
                        .withIsGetterVisibility(com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.NONE));
    }

    /**
     * Takes aggregate snapshots after the command's commit on a small bounded pool; when its queue (1,000) is full
     * a snapshot is skipped, which only delays the optimisation to a later event.
     */
    @Bean
    public SpringAggregateSnapshotterFactoryBean aggregateSnapshotter() {
        SpringAggregateSnapshotterFactoryBean factory = new SpringAggregateSnapshotterFactoryBean();
        factory.setExecutor(new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(1000),
                runnable -> {
                    Thread thread = new Thread(runnable, "aggregate-snapshotter");
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.DiscardPolicy()));
        return factory;
    }

    /** Snapshots a file's aggregate every {@code filestore.snapshot-threshold} events, so long histories load fast. */
    @Bean
    public SnapshotTriggerDefinition fileEntrySnapshotTrigger(Snapshotter snapshotter, FilestoreProperties properties) {
        return new EventCountSnapshotTriggerDefinition(snapshotter, properties.snapshotThreshold());
    }
}
