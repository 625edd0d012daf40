package io.filestore.query.history;

import io.filestore.query.AppliedSignals;
import org.springframework.stereotype.Component;

/** What the history view applied, for writers that read their own write. */
@Component
public class HistoryApplied extends AppliedSignals {

    public HistoryApplied() {
        super(HistoryProjection.PROCESSING_GROUP, HistoryProjection.class);
    }
}
