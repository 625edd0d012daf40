package io.filestore.api.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code filestore.audit.*}: the queue of download records waiting to be written to the event store (at most
 * {@code access-queue-capacity}; beyond that records are dropped, counted and logged), how many are written per
 * transaction, and how long one waits at most before it is written.
 */
@ConfigurationProperties("filestore.audit")
public record AuditProperties(
        @DefaultValue("10000") int accessQueueCapacity,
        @DefaultValue("500") int accessBatchSize,
        @DefaultValue("200ms") Duration accessFlushInterval) {

    public AuditProperties {
        if (accessQueueCapacity < 1 || accessBatchSize < 1) {
            throw new IllegalArgumentException("filestore.audit.access-queue-capacity and access-batch-size must be "
                    + "positive");
        }
    }
}
