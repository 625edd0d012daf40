package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Revokes a share or public link, effective immediately; {@code expected} from If-Match. */
public record RevokeShareCommand(@TargetAggregateIdentifier FileId fileId, String shareId, Actor by,
                                 ExpectedState expected) {

    public RevokeShareCommand(FileId fileId, String shareId, Actor by) {
        this(fileId, shareId, by, null);
    }
}
