package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Shares the file with a user or group in a role, optionally until an instant. */
public record ShareFileCommand(@TargetAggregateIdentifier FileId fileId, String shareId, Grantee grantee, Role role, java.time.Instant expiresAt, Actor by) {
}
