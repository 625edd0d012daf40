package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Revokes a share or public link, effective immediately. */
public record RevokeShareCommand(@TargetAggregateIdentifier FileId fileId, String shareId, Actor by) {
}
