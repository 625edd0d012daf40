package io.filestore.api.config.upcasting;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Revision 1 to 2 of {@code FileSharedEvent} and {@code PublicLinkCreatedEvent}: revision 1 accepted any expiry
 * instant, and some were stored that no view can hold ({@code +1000000000-12-31T23:59:59Z} overflows PostgreSQL's
 * timestamps and Elasticsearch's dates). Since revision 2, requests refuse expiries beyond
 * {@code filestore.input.max-expiry}; this upcaster brings old payloads inside the years 1 to 9999 (an expiry
 * millions of years ahead means "never" either way, one millions of years ago "already expired"). Everything else
 * in the payload is kept as it is.
 *
 * <p>Axon applies every {@code EventUpcaster} bean when it reads events (aggregates, processors, replays); the
 * event store's upcaster chain is {@code Configuration.upcasterChain()}, see {@code AxonConfiguration}.
 */
@Component
public class ExpiryWithinYear9999Upcaster extends SingleEventUpcaster {

    static final Set<String> TYPES = Set.of("io.filestore.command.api.FileSharedEvent",
            "io.filestore.command.api.PublicLinkCreatedEvent");
    static final String FROM = "1";
    static final String TO = "2";
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation representation) {
        return TYPES.contains(representation.getType().getName())
                && FROM.equals(representation.getType().getRevision());
    }

    @Override
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
        return representation.upcastPayload(new SimpleSerializedType(representation.getType().getName(), TO),
                ObjectNode.class, ExpiryWithinYear9999Upcaster::clampExpiry);
    }

    static ObjectNode clampExpiry(ObjectNode payload) {
        JsonNode expiresAt = payload.get("expiresAt");
        if (expiresAt == null || !expiresAt.isString()) {
            return payload;
        }
        try {
            Instant instant = Instant.parse(expiresAt.asString());
            if (instant.isAfter(LATEST)) {
                payload.put("expiresAt", LATEST.toString());
            } else if (instant.isBefore(EARLIEST)) {
                payload.put("expiresAt", EARLIEST.toString());
            }
        } catch (DateTimeParseException e) {
            // not an instant this code wrote; left for the event's reader to judge
        }
        return payload;
    }
}
