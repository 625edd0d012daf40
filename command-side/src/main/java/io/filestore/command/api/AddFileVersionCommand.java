package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Adds new content as the next version; name and metadata patch are optional (null keeps them). */
public record AddFileVersionCommand(@TargetAggregateIdentifier FileId fileId, BlobId blobId, long size, MediaType mediaType,
                                    FileName name, MetadataPatch metadata, String changeLog, Actor by,
                                    ExpectedState expected) {

    public AddFileVersionCommand {
        InputRules.name("name", name == null ? null : name.value());
        InputRules.metadata(metadata);
        InputRules.freeText("changeLog", changeLog);
    }
}
