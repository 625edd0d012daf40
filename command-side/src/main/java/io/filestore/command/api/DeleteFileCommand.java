package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Moves the file to the trash (soft delete). */
public record DeleteFileCommand(@TargetAggregateIdentifier FileId fileId, Actor by, ExpectedState expected) {
}
