package io.filestore.command.api;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Creates a file whose first version is the already stored blob {@code blobId}. */
public record UploadFileCommand(@TargetAggregateIdentifier FileId fileId, FileName name, MediaType mediaType, long size, BlobId blobId,
                                FileMetadata metadata, UserId owner) {

    public UploadFileCommand {
        InputRules.name("name", name == null ? null : name.value());
        InputRules.metadata(metadata);
    }
}
