package io.filestore.api.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.axonframework.eventhandling.Segment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Who processes which segment of which processor, as the token store records it ({@code token_entry}: one row per
 * segment, its owner the name of the claiming instance, none when released), together with the live instances
 * ({@link Instances#live()}). Read fresh for the cluster overview and the balancer; for writers,
 * {@link #claimedByLostInstance} answers from a snapshot at most a second old, refreshed by one writer at a time,
 * so that writes cost no extra query in the usual case.
 */
@Component
public class SegmentClaims {

    private static final Logger log = LoggerFactory.getLogger(SegmentClaims.class);
    private static final long SNAPSHOT_MAX_AGE_NANOS = 1_000_000_000L;
    /** A row the JDBC token store keeps for its own identity, not a processor's. */
    private static final String CONFIG_ROW = "__config";

    /** One segment of a processor and the instance that claims it ({@code null}: unclaimed). */
    public record Claim(int segment, String owner) {
    }

    /** The claims of every processor and the live instances, read together. */
    public record Snapshot(Map<String, List<Claim>> processors, List<String> live) {

        /**
         * Whether the segment of {@code processor} that holds {@code aggregateId} is claimed by an instance that is
         * no longer live (its claim has not expired yet, so no one else processes it meanwhile).
         */
        public boolean claimedByLostInstance(String processor, String aggregateId) {
            List<Claim> claims = processors.getOrDefault(processor, List.of());
            if (claims.isEmpty()) {
                return false;
            }
            int[] ids = claims.stream().mapToInt(Claim::segment).toArray();
            for (Claim claim : claims) {
                if (Segment.computeSegment(claim.segment(), ids).matches(aggregateId)) {
                    return claim.owner() != null && !live.contains(claim.owner());
                }
            }
            return false;
        }
    }

    private final DataSource dataSource;
    private final Instances instances;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), List.of());
    private final AtomicLong readAt = new AtomicLong(System.nanoTime() - 2 * SNAPSHOT_MAX_AGE_NANOS);

    public SegmentClaims(DataSource dataSource, Instances instances) {
        this.dataSource = dataSource;
        this.instances = instances;
    }

    /**
     * The claims and live instances now.
     *
     * @throws SQLException when the database cannot be asked
     */
    public Snapshot read() throws SQLException {
        List<String> live = instances.live();
        Map<String, List<Claim>> processors = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT processor_name, segment, owner FROM token_entry WHERE processor_name <> ? "
                             + "ORDER BY processor_name, segment")) {
            statement.setString(1, CONFIG_ROW);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    processors.computeIfAbsent(rows.getString(1), name -> new ArrayList<>())
                            .add(new Claim(rows.getInt(2), rows.getString(3)));
                }
            }
        }
        processors.replaceAll((name, claims) -> List.copyOf(claims));
        return new Snapshot(Map.copyOf(processors), List.copyOf(live));
    }

    /**
     * Whether the aggregate's segment of the processor is claimed by an instance that is gone, by a snapshot at most
     * about a second old (false when it cannot be read: the writer then waits, bounded).
     */
    public boolean claimedByLostInstance(String processor, String aggregateId) {
        long at = readAt.get();
        long now = System.nanoTime();
        if (now - at > SNAPSHOT_MAX_AGE_NANOS && readAt.compareAndSet(at, now)) {
            try {
                snapshot = read(); // the other writers meanwhile use the previous snapshot
            } catch (SQLException | RuntimeException e) {
                log.debug("could not read the segment claims: {}", e.toString());
                snapshot = new Snapshot(Map.of(), List.of());
            }
        }
        return snapshot.claimedByLostInstance(processor, aggregateId);
    }

    /**
     * Frees the claims of instances that are gone (their PostgreSQL sessions ended with their process), so that a
     * live instance claims those segments within its token claim interval instead of after the claim timeout.
     * Safe against an owner that is in fact alive but was seen without sessions: its processor's next token update
     * names it as owner and fails, and the batch it was applying rolls back with it (views and tokens share one
     * transaction), so no event is applied twice to a PostgreSQL view.
     *
     * @return how many claims were freed
     */
    public int freeLostClaims(Snapshot snapshot) {
        int freed = 0;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "UPDATE token_entry SET owner = NULL WHERE processor_name = ? AND segment = ? AND owner = ?")) {
            for (Map.Entry<String, List<Claim>> processor : snapshot.processors().entrySet()) {
                for (Claim claim : processor.getValue()) {
                    if (claim.owner() != null && !snapshot.live().contains(claim.owner())) {
                        statement.setString(1, processor.getKey());
                        statement.setInt(2, claim.segment());
                        statement.setString(3, claim.owner());
                        freed += statement.executeUpdate();
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("could not free the claims of lost instances: {}", e.toString());
        }
        if (freed > 0) {
            log.info("freed {} segment claims of instances that are gone, for the live ones to take over", freed);
            readAt.set(System.nanoTime() - 2 * SNAPSHOT_MAX_AGE_NANOS); // writers read the claims afresh
        }
        return freed;
    }

    /**
     * Whether the aggregate's segment of the processor is claimed by an instance that is gone; if so, its claims
     * are freed at once (by one writer at a time) so that a live instance takes it over within its claim interval.
     */
    public boolean takeOverIfLost(String processor, String aggregateId) {
        if (!claimedByLostInstance(processor, aggregateId)) {
            return false;
        }
        Snapshot seen = snapshot;
        synchronized (this) {
            if (seen == snapshot) {
                freeLostClaims(seen);
            }
        }
        return true;
    }

    /** The segment ids of a processor in {@code snapshot} that {@code owner} claims. */
    static Set<Integer> claimedBy(Snapshot snapshot, String processor, String owner) {
        Set<Integer> segments = new java.util.TreeSet<>();
        for (Claim claim : snapshot.processors().getOrDefault(processor, List.of())) {
            if (owner.equals(claim.owner())) {
                segments.add(claim.segment());
            }
        }
        return segments;
    }
}
