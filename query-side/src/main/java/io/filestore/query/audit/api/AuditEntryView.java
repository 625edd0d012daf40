package io.filestore.query.audit.api;

import io.filestore.command.api.FileId;
import io.filestore.command.api.UserId;
import java.time.Instant;
import java.util.Map;

/**
 * One entry of the audit trail: who ({@code actor}, null for an anonymous reader or the service itself) did what
 * ({@code action}) to what ({@code target}: {@code file:<id>}, {@code user:<id>}, {@code token:<id>},
 * {@code backup:<id>}...; {@code fileId} is set for entries about a file) and when ({@code at}, the event's time),
 * from which client address ({@code clientAddress}, null when unknown); {@code details} says what changed, e.g. for
 * a metadata edit {@code {"changes": {"name": {"from": "a.txt", "to": "b.txt"}}}}. {@code eventId} is the event's
 * identifier.
 */
public record AuditEntryView(String eventId, FileId fileId, String target, AuditAction action, UserId actor,
                             Instant at, String clientAddress, Map<String, Object> details) {
}
