package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Brings a trashed file back. */
public record RestoreFileFromTrashCommand(@TargetAggregateIdentifier FileId fileId, Actor by) {
}
