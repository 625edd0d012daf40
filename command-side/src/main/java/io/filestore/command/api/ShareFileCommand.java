package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Shares the file with a user or group in a role, optionally until an instant; {@code expected} from If-Match. */
public record ShareFileCommand(@TargetAggregateIdentifier FileId fileId, String shareId, Grantee grantee, Role role,
                               java.time.Instant expiresAt, Actor by, ExpectedState expected) {

    public ShareFileCommand(FileId fileId, String shareId, Grantee grantee, Role role, java.time.Instant expiresAt,
                            Actor by) {
        this(fileId, shareId, grantee, role, expiresAt, by, null);
    }
}
