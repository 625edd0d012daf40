package io.filestore.query.audit.api;

import io.filestore.command.api.FileId;
import io.filestore.command.api.UserId;
import java.time.Instant;
import java.util.Map;

/**
 * One entry of the audit trail: who ({@code actor}, null for an anonymous reader) did what ({@code action}) to which
 * file and when ({@code at}, the event's time); {@code details} says what changed, e.g. for a metadata edit
 * {@code {"changes": {"name": {"from": "a.txt", "to": "b.txt"}}}}. {@code eventId} is the event's identifier.
 */
public record AuditEntryView(String eventId, FileId fileId, AuditAction action, UserId actor, Instant at,
                             Map<String, Object> details) {
}
