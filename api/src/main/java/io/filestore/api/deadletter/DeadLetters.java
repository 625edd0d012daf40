package io.filestore.api.deadletter;

import io.filestore.api.config.DeadLetterPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.deadletter.jdbc.JdbcDeadLetter;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.SequencedDeadLetterProcessor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parked events of every processor (Axon's dead-letter queues, table {@code dead_letter_entry}): listed and
 * counted with SQL (so a letter whose payload no longer deserializes can still be seen and evicted), retried through
 * Axon (the processor's own handlers, in one transaction; a failure parks it again with one more attempt).
 */
@Component
public class DeadLetters {

    /** At most this many letters in one listing. */
    public static final int MAX_LIST = 1000;
    private static final long COUNT_CACHE_NANOS = Duration.ofSeconds(1).toNanos();

    private final EventProcessingConfiguration processing;
    private final JdbcClient jdbc;
    private final JsonMapper json = JsonMapper.builder().build();
    private volatile CachedCounts cached;

    public DeadLetters(EventProcessingConfiguration processing, JdbcClient jdbc) {
        this.processing = processing;
        this.jdbc = jdbc;
    }

    /** One parked event. */
    public record Letter(String processor, String sequence, long index, String eventType, String eventId,
                         Long globalPosition, String eventTimestamp, String enqueuedAt, String lastTouched,
                         String causeType, String causeMessage, Long attempts) {
    }

    /** The outcome of a retry: whether the sequence was applied, and what is still parked of it. */
    public record Retry(String processor, String sequence, boolean applied, List<Letter> remaining) {
    }

    /** The processors that have a dead-letter queue, by name. */
    public List<String> processors() {
        return processing.eventProcessors().keySet().stream()
                .filter(name -> processing.deadLetterQueue(name).isPresent())
                .sorted().toList();
    }

    /** {@link #counts()} at most a second old (for metrics scrapes, which read it once per processor). */
    public Map<String, Long> recentCounts() {
        CachedCounts current = cached;
        if (current != null && System.nanoTime() - current.at < COUNT_CACHE_NANOS) {
            return current.counts;
        }
        return counts();
    }

    /** The number of parked events per processor (every processor, zeros included). */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        processors().forEach(name -> counts.put(name, 0L));
        jdbc.sql("SELECT processing_group, count(*) AS letters FROM dead_letter_entry GROUP BY processing_group")
                .query((rs, n) -> counts.put(rs.getString("processing_group"), rs.getLong("letters")))
                .list();
        Map<String, Long> result = Map.copyOf(counts);
        cached = new CachedCounts(System.nanoTime(), result);
        return result;
    }

    /** Parked events, oldest sequence first, optionally of one processor, at most {@code limit}. */
    public List<Letter> list(String processor, int limit) {
        return jdbc.sql("""
                        SELECT d.processing_group, d.sequence_identifier, d.sequence_index, d.payload_type,
                               d.event_identifier, e.global_index, d.time_stamp, d.enqueued_at, d.last_touched,
                               d.cause_type, d.cause_message, d.diagnostics
                        FROM dead_letter_entry d
                        LEFT JOIN domain_event_entry e ON e.event_identifier = d.event_identifier
                        WHERE (CAST(:processor AS VARCHAR) IS NULL OR d.processing_group = :processor)
                        ORDER BY d.processing_group, d.sequence_identifier, d.sequence_index
                        LIMIT :limit
                        """)
                .param("processor", processor).param("limit", Math.min(Math.max(limit, 1), MAX_LIST))
                .query((rs, n) -> new Letter(rs.getString("processing_group"), rs.getString("sequence_identifier"),
                        rs.getLong("sequence_index"), rs.getString("payload_type"), rs.getString("event_identifier"),
                        (Long) rs.getObject("global_index"), rs.getString("time_stamp"), rs.getString("enqueued_at"),
                        rs.getString("last_touched"), rs.getString("cause_type"), rs.getString("cause_message"),
                        attempts(rs.getBytes("diagnostics"))))
                .list();
    }

    /** The parked events of one sequence of one processor, in order. */
    public List<Letter> sequence(String processor, String sequence) {
        return list(processor, MAX_LIST).stream().filter(l -> l.sequence().equals(sequence)).toList();
    }

    /**
     * Hands the sequence's parked events to the processor's handlers again, in order, in one transaction. If one
     * fails again it stays parked (with one more attempt counted) with the events after it.
     *
     * @return empty if nothing of that sequence is parked
     */
    public synchronized Optional<Retry> retry(String processor, String sequence) {
        if (sequence(processor, sequence).isEmpty()) {
            return Optional.empty();
        }
        SequencedDeadLetterProcessor<EventMessage<?>> letters = processing.sequencedDeadLetterProcessor(processor)
                .orElseThrow(() -> new IllegalStateException("no dead-letter processor for " + processor));
        boolean applied = letters.process(letter -> sequence.equals(sequenceOf(letter)));
        // The queue keeps its claim on a sequence that failed again for its claim duration; this retry is over,
        // so a next one (once the cause is fixed) must not wait for it.
        jdbc.sql("UPDATE dead_letter_entry SET processing_started = NULL WHERE processing_group = :processor"
                        + " AND sequence_identifier = :sequence")
                .param("processor", processor).param("sequence", sequence).update();
        cached = null;
        List<Letter> remaining = sequence(processor, sequence);
        return Optional.of(new Retry(processor, sequence, applied && remaining.isEmpty(), remaining));
    }

    /** Removes the sequence's parked events for good (the view never applies them); returns how many. */
    public int evict(String processor, String sequence) {
        int evicted = jdbc.sql("DELETE FROM dead_letter_entry WHERE processing_group = :processor"
                        + " AND sequence_identifier = :sequence")
                .param("processor", processor).param("sequence", sequence).update();
        cached = null;
        return evicted;
    }

    private static String sequenceOf(DeadLetter<? extends EventMessage<?>> letter) {
        return letter instanceof JdbcDeadLetter<?> jdbcLetter ? jdbcLetter.getSequenceIdentifier() : null;
    }

    private Long attempts(byte[] diagnostics) {
        if (diagnostics == null) {
            return null;
        }
        try {
            JsonNode attempts = json.readTree(diagnostics).get(DeadLetterPolicy.ATTEMPTS);
            return attempts == null || !attempts.isNumber() ? null : attempts.asLong();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private record CachedCounts(long at, Map<String, Long> counts) {
    }
}
