package io.filestore.api.config;

import java.util.ArrayList;
import java.util.List;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.deadletter.jdbc.DeadLetterSchema;
import org.axonframework.eventhandling.deadletter.jdbc.JdbcSequencedDeadLetterQueue;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Every processing group gets Axon's sequenced dead-letter queue, stored in {@code dead_letter_entry} (migration
 * V61). An event a projection cannot apply is parked with its sequence (the file's aggregate id, by Axon's
 * default sequencing policy): that file's later events wait behind it in the queue, every other file flows on.
 * {@link DeadLetterPolicy} decides what is parked; {@link ProjectionSavepoints} keeps the batch's transaction usable
 * after a failed handler. A processor reset (rebuild, restore) clears the processor's letters; a replay that fails
 * again parks again.
 */
@Configuration(proxyBeanMethods = false)
public class DeadLetterConfiguration {

    /** The snake_case columns of migration V61. */
    public static final DeadLetterSchema DEAD_LETTER_SCHEMA = DeadLetterSchema.builder()
            .deadLetterTable("dead_letter_entry")
            .deadLetterIdentifierColumn("dead_letter_id")
            .processingGroupColumn("processing_group")
            .sequenceIdentifierColumn("sequence_identifier")
            .sequenceIndexColumn("sequence_index")
            .messageTypeColumn("message_type")
            .eventIdentifierColumn("event_identifier")
            .timestampColumn("time_stamp")
            .payloadTypeColumn("payload_type")
            .payloadRevisionColumn("payload_revision")
            .payloadColumn("payload")
            .metaDataColumn("meta_data")
            .aggregateTypeColumn("aggregate_type")
            .aggregateIdentifierColumn("aggregate_identifier")
            .sequenceNumberColumn("sequence_number")
            .tokenTypeColumn("token_type")
            .tokenColumn("token")
            .enqueuedAtColumn("enqueued_at")
            .lastTouchedColumn("last_touched")
            .processingStartedColumn("processing_started")
            .causeTypeColumn("cause_type")
            .causeMessageColumn("cause_message")
            .diagnosticsColumn("diagnostics")
            .build();

    @Bean
    public ConfigurerModule deadLetterQueues(ConfigurableListableBeanFactory beans,
                                             ObjectProvider<ConnectionProvider> connections,
                                             ObjectProvider<TransactionManager> transactions) {
        return configurer -> {
            configurer.eventProcessing()
                    .registerDeadLetterQueueProvider(group -> configuration ->
                            JdbcSequencedDeadLetterQueue.<EventMessage<?>>builder()
                                    .processingGroup(group)
                                    .connectionProvider(connections.getObject())
                                    .transactionManager(transactions.getObject())
                                    .schema(DEAD_LETTER_SCHEMA)
                                    .genericSerializer(configuration.serializer())
                                    .eventSerializer(configuration.eventSerializer())
                                    .build())
                    .registerDefaultDeadLetterPolicy(configuration -> new DeadLetterPolicy());
            for (String group : processingGroups(beans)) {
                // A reset replays every event from the start, so the old letters of the group are obsolete.
                configurer.eventProcessing().registerDeadLetteringEventHandlerInvokerConfiguration(group,
                        (configuration, builder) -> builder.allowReset(true).enableSequenceIdentifierCache());
            }
        };
    }

    /**
     * Wraps each projection handler in a savepoint. Without it, a handler whose SQL fails leaves PostgreSQL's
     * transaction aborted, so neither the dead letter nor the rest of the batch could be written.
     */
    @Bean
    public static ProjectionSavepoints projectionSavepoints(ObjectProvider<PlatformTransactionManager> transactions) {
        return new ProjectionSavepoints(transactions);
    }

    /** The processing groups of the {@code @ProcessingGroup} beans, read without creating them. */
    private static List<String> processingGroups(ConfigurableListableBeanFactory beans) {
        List<String> groups = new ArrayList<>();
        for (String name : beans.getBeanNamesForAnnotation(ProcessingGroup.class)) {
            ProcessingGroup group = beans.findAnnotationOnBean(name, ProcessingGroup.class, false);
            if (group != null && !groups.contains(group.value())) {
                groups.add(group.value());
            }
        }
        return groups;
    }
}
