package io.filestore.query.audit.api;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * The audit trail read in its stable order (time, then global event position, then event id), streamed: for exports,
 * which must not hold the trail in memory and cannot go through the query bus.
 */
public interface AuditLog {

    /** Hands every entry with {@code from <= at < to} to {@code consumer}, in order. */
    void forEach(Instant from, Instant to, Consumer<Entry> consumer);

    /**
     * One entry as stored: {@code details} is its JSON text; {@code fileId}, {@code actor}, {@code target} and
     * {@code clientAddress} may be null.
     */
    record Entry(String eventId, long globalIndex, Instant at, String action, String actor, String fileId,
                 String target, String clientAddress, String details) {
    }
}
