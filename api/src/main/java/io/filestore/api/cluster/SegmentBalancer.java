package io.filestore.api.cluster;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Spreads the processors' segments over the live instances with Axon's own means. The first instance to start
 * claims every segment; each instance, every {@code filestore.cluster.balance-interval}, counts the live instances
 * ({@link Instances#live()}) and for each streaming processor releases the segments it holds beyond its fair share,
 * {@code ceil(segments / live instances)} ({@link StreamingEventProcessor#releaseSegment(int, long, TimeUnit)}):
 * for {@link ClusterProperties#releaseDuration()} it will not claim them again, and the other instances' processors,
 * which look for unclaimed segments every {@code token-claim-interval-ms}, claim them meanwhile. A segment claimed
 * by an instance that died is taken over once its claim expires ({@code filestore.cluster.claim-timeout}); then
 * nothing needs releasing. Off with {@code filestore.cluster.balance-segments=false}: segments then stay where
 * they were first claimed, and move only when their instance stops or dies. Nothing is released while a restore
 * runs: the other instances have stopped their processors (RestoreFollower) and the restoring one replays alone.
 */
@Component
public class SegmentBalancer {

    private static final Logger log = LoggerFactory.getLogger(SegmentBalancer.class);

    private final ObjectProvider<EventProcessingConfiguration> processing;
    private final SegmentClaims claims;
    private final Instances instances;
    private final ClusterProperties properties;
    private final io.filestore.replay.restore.MaintenanceMode maintenance;

    public SegmentBalancer(ObjectProvider<EventProcessingConfiguration> processing, SegmentClaims claims,
                           Instances instances, ClusterProperties properties,
                           io.filestore.replay.restore.MaintenanceMode maintenance) {
        this.maintenance = maintenance;
        this.processing = processing;
        this.claims = claims;
        this.instances = instances;
        this.properties = properties;
    }

    @Scheduled(initialDelayString = "${filestore.cluster.balance-interval:5s}",
            fixedDelayString = "${filestore.cluster.balance-interval:5s}")
    void balance() {
        EventProcessingConfiguration configuration = processing.getIfAvailable();
        if (configuration == null) {
            return;
        }
        SegmentClaims.Snapshot snapshot;
        try {
            snapshot = claims.read();
        } catch (SQLException | RuntimeException e) {
            log.debug("could not read the segment claims to balance them: {}", e.toString());
            return;
        }
        claims.freeLostClaims(snapshot); // a dead instance's segments are taken over now, not after the claim timeout
        if (!properties.balanceSegments() || maintenance.active()) {
            return;
        }
        for (EventProcessor processor : configuration.eventProcessors().values()) {
            if (processor instanceof StreamingEventProcessor streaming && processor.isRunning()) {
                int total = snapshot.processors().getOrDefault(processor.getName(), List.of()).size();
                Set<Integer> mine = SegmentClaims.claimedBy(snapshot, processor.getName(), instances.id());
                for (int segment : excess(mine, total, snapshot.live().size())) {
                    log.info("releasing segment {} of processor {} for another instance ({} live)", segment,
                            processor.getName(), snapshot.live().size());
                    streaming.releaseSegment(segment, properties.releaseDuration().toMillis(),
                            TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    /**
     * The segments to release out of {@code mine} (sorted) so that this instance keeps at most its fair share of
     * {@code total} segments among {@code live} instances: the highest ids, none when it holds no more than that.
     */
    static List<Integer> excess(Set<Integer> mine, int total, int live) {
        if (live <= 1 || total == 0) {
            return List.of();
        }
        int fair = (total + live - 1) / live;
        List<Integer> sorted = new ArrayList<>(new java.util.TreeSet<>(mine));
        if (sorted.size() <= fair) {
            return List.of();
        }
        List<Integer> released = new ArrayList<>(sorted.subList(fair, sorted.size()));
        java.util.Collections.reverse(released);
        return released;
    }
}
