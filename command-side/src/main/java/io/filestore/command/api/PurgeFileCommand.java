package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Removes a trashed file for good. {@code retentionExpired} marks the purge job acting after the retention. */
public record PurgeFileCommand(@TargetAggregateIdentifier FileId fileId, Actor by, boolean retentionExpired) {
}
