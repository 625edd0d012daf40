package io.filestore.api.config;

import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.serialization.jackson3.Jackson3SerializerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

/** Axon wiring that Spring Boot's auto-configuration leaves to the application. */
@Configuration(proxyBeanMethods = false)
public class AxonConfiguration {

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

    /** Snapshots a file's aggregate every {@code filestore.snapshot-threshold} events, so long histories load fast. */
    @Bean
    public SnapshotTriggerDefinition fileEntrySnapshotTrigger(Snapshotter snapshotter, FilestoreProperties properties) {
        return new EventCountSnapshotTriggerDefinition(snapshotter, properties.snapshotThreshold());
    }
}
