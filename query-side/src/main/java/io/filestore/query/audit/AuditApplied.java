package io.filestore.query.audit;

import io.filestore.query.AppliedSignals;
import org.springframework.stereotype.Component;

/** What the audit view applied, for writers that read their own write. */
@Component
public class AuditApplied extends AppliedSignals {

    public AuditApplied() {
        super(AuditProjection.PROCESSING_GROUP, AuditProjection.class);
    }
}
