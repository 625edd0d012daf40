package io.filestore.api.cluster;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code filestore.cluster.*}: how instances sharing one database split and take over the processors' segments.
 * {@code balance-segments} lets each instance release the segments it holds beyond its fair share (every
 * {@code balance-interval}) so that the other live instances claim them; {@code claim-timeout} is how long a segment
 * claimed by an instance that stopped extending it (it died) stays its own before another takes it over; the
 * processors look for unclaimed segments every {@code token-claim-interval-ms} (read by Axon's processor settings
 * in application.yml, a number of milliseconds). {@code applied-queue-capacity} bounds the notices of applied
 * events waiting to be sent to the other instances (beyond it they are dropped, and a writer on another instance
 * waits out its bounded timeout).
 */
@ConfigurationProperties("filestore.cluster")
public record ClusterProperties(
        @DefaultValue("true") boolean balanceSegments,
        @DefaultValue("2s") Duration balanceInterval,
        @DefaultValue("10s") Duration claimTimeout,
        @DefaultValue("2000") long tokenClaimIntervalMs,
        @DefaultValue("10000") int appliedQueueCapacity,
        @DefaultValue("30s") Duration listenerMaxBackoff) {

    public ClusterProperties {
        if (balanceInterval.toMillis() < 100) {
            throw new IllegalArgumentException("filestore.cluster.balance-interval must be at least 100ms");
        }
        // a pooled processor extends its claims every 5 s while idle: a shorter timeout would let them lapse
        if (claimTimeout.toMillis() < 6_000) {
            throw new IllegalArgumentException("filestore.cluster.claim-timeout must be at least 6s");
        }
        if (tokenClaimIntervalMs < 100) {
            throw new IllegalArgumentException("filestore.cluster.token-claim-interval-ms must be at least 100");
        }
        if (appliedQueueCapacity < 1) {
            throw new IllegalArgumentException("filestore.cluster.applied-queue-capacity must be positive");
        }
        if (listenerMaxBackoff.toMillis() < 100) {
            throw new IllegalArgumentException("filestore.cluster.listener-max-backoff must be at least 100ms");
        }
    }

    /** How long a released segment stays blocked for this instance, so that another one claims it first. */
    public Duration releaseDuration() {
        return Duration.ofMillis(Math.max(3 * tokenClaimIntervalMs, 2 * balanceInterval.toMillis()));
    }
}
