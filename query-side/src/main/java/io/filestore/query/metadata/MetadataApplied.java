package io.filestore.query.metadata;

import io.filestore.command.api.FileId;
import io.filestore.command.api.InvalidValueException;
import io.filestore.query.AppliedSignals;
import org.springframework.stereotype.Component;

/** What the metadata view applied; it also reads a file's sequence from its table (another instance may apply it). */
@Component
public class MetadataApplied extends AppliedSignals {

    private final FileMetadataRepository repository;

    public MetadataApplied(FileMetadataRepository repository) {
        super(FileMetadataProjection.PROCESSING_GROUP, FileMetadataProjection.class);
        this.repository = repository;
    }

    @Override
    protected boolean shows(String aggregateId, long sequence) {
        try {
            return repository.sequenceOf(new FileId(aggregateId)) >= sequence;
        } catch (InvalidValueException e) {
            return false;
        }
    }
}
