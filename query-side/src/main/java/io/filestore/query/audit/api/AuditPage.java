package io.filestore.query.audit.api;

import java.util.List;

/** A page of audit entries, newest first; {@code hasMore} tells whether entries follow this page. */
public record AuditPage(List<AuditEntryView> entries, boolean hasMore) {
}
