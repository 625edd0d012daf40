package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Rolls back to version {@code version} by adding a new version that points at its blob. */
public record RestoreFileVersionCommand(@TargetAggregateIdentifier FileId fileId, int version, String changeLog, Actor by,
                                        ExpectedState expected) {
}
