package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Renames the file and/or merges a metadata patch; content and version stay. */
public record UpdateFileMetadataCommand(@TargetAggregateIdentifier FileId fileId, FileName name, MetadataPatch patch, Actor by,
                                        ExpectedState expected) {

    public UpdateFileMetadataCommand {
        InputRules.name("name", name == null ? null : name.value());
        InputRules.metadata(patch);
    }

}
