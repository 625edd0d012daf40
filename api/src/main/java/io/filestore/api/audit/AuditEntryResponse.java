package io.filestore.api.audit;

import io.filestore.query.audit.api.AuditEntryView;
import java.time.Instant;
import java.util.Map;

/** One audit entry as the API shows it: who ({@code actor}), what ({@code action}, {@code details}), when ({@code at}). */
public record AuditEntryResponse(String eventId, String fileId, String action, String actor, Instant at,
                                 Map<String, Object> details) {

    static AuditEntryResponse of(AuditEntryView view) {
        return new AuditEntryResponse(view.eventId(), view.fileId().value(), view.action().wireName(),
                view.actor() == null ? null : view.actor().value(), view.at(), view.details());
    }
}
