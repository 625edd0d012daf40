package io.filestore.query.users;

import io.filestore.query.AppliedSignals;
import org.springframework.stereotype.Component;

/** What the users view applied, for writers that read their own write. */
@Component
public class UsersApplied extends AppliedSignals {

    public UsersApplied() {
        super(UsersProjection.PROCESSING_GROUP, UsersProjection.class);
    }
}
