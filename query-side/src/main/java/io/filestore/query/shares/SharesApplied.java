package io.filestore.query.shares;

import io.filestore.query.AppliedSignals;
import org.springframework.stereotype.Component;

/** What the shares view applied, for writers that read their own write. */
@Component
public class SharesApplied extends AppliedSignals {

    public SharesApplied() {
        super(SharesProjection.PROCESSING_GROUP, SharesProjection.class);
    }
}
