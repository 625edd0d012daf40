package io.filestore.api.audit;

import io.filestore.query.audit.api.AuditEntryView;
import java.time.Instant;
import java.util.Map;

/**
 * One audit entry as the API shows it: who ({@code actor}, from {@code clientAddress}), what ({@code action},
 * {@code details}) to what ({@code target}; {@code fileId} for entries about a file), when ({@code at}).
 */
public record AuditEntryResponse(String eventId, String fileId, String target, String action, String actor,
                                 Instant at, String clientAddress, Map<String, Object> details) {

    static AuditEntryResponse of(AuditEntryView view) {
        return new AuditEntryResponse(view.eventId(), view.fileId() == null ? null : view.fileId().value(),
                view.target(), view.action().wireName(), view.actor() == null ? null : view.actor().value(),
                view.at(), view.clientAddress(), view.details());
    }
}
