package io.filestore.query.metadata;

import io.filestore.command.api.FileDeletedEvent;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadataUpdatedEvent;
import io.filestore.command.api.FilePurgedEvent;
import io.filestore.command.api.FileRestoredFromTrashEvent;
import io.filestore.command.api.FilePermissions;
import io.filestore.command.api.FileSharedEvent;
import io.filestore.command.api.FileUploadedEvent;
import io.filestore.command.api.PublicLinkCreatedEvent;
import io.filestore.command.api.ShareRevokedEvent;
import java.util.List;
import io.filestore.command.api.FileVersionAddedEvent;
import io.filestore.command.api.FileVersionRestoredEvent;
import io.filestore.query.metadata.api.FileVersionView;
import io.filestore.query.metadata.api.FileView;
import io.filestore.query.metadata.api.FileViewChanges;
import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.springframework.stereotype.Component;

/**
 * Builds the file and version views. Handlers are idempotent: inserts are upserts and every update applies only
 * to a view behind the event's aggregate sequence number, so replays and retries converge. A reset truncates the
 * views before a replay.
 */
@Component
@ProcessingGroup(FileMetadataProjection.PROCESSING_GROUP)
public class FileMetadataProjection {

    public static final String PROCESSING_GROUP = "metadata";

    private final FileMetadataRepository repository;
    private final FileViewChanges changes;

    public FileMetadataProjection(FileMetadataRepository repository, FileViewChanges changes) {
        this.repository = repository;
        this.changes = changes;
    }

    @EventHandler
    void on(FileUploadedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        repository.insertFile(new FileView(event.fileId(), event.owner(), event.name(), event.mediaType(),
                event.size(), event.blobId(), 1, event.metadata(), at, at, at, null, seq,
                new FilePermissions(event.owner(), List.of())));
        repository.insertVersion(new FileVersionView(event.fileId(), 1, event.blobId(), event.size(),
                event.mediaType(), at, event.owner(), null, null));
        signalAfterCommit(event.fileId());
    }

    @EventHandler
    void on(FileVersionAddedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        repository.insertVersion(new FileVersionView(event.fileId(), event.version(), event.blobId(), event.size(),
                event.mediaType(), at, event.by(), event.changeLog(), null));
        repository.updateContent(event.fileId(), seq, event.version(), event.blobId(), event.size(),
                event.mediaType(), at);
        repository.updateMetadata(event.fileId(), seq, true, event.name(), event.metadata(), at);
        signalAfterCommit(event.fileId());
    }

    @EventHandler
    void on(FileVersionRestoredEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        repository.insertVersion(new FileVersionView(event.fileId(), event.version(), event.blobId(), event.size(),
                event.mediaType(), at, event.by(), event.changeLog(), event.restoredFrom()));
        repository.updateContent(event.fileId(), seq, event.version(), event.blobId(), event.size(),
                event.mediaType(), at);
        signalAfterCommit(event.fileId());
    }

    @EventHandler
    void on(FileMetadataUpdatedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        repository.updateMetadata(event.fileId(), seq, false, event.name(), event.metadata(), at);
        signalAfterCommit(event.fileId());
    }

    @EventHandler
    void on(FileDeletedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        repository.markDeleted(event.fileId(), seq, event.by(), at);
        signalAfterCommit(event.fileId());
    }

    @EventHandler
    void on(FileRestoredFromTrashEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        repository.markRestored(event.fileId(), seq, at);
        signalAfterCommit(event.fileId());
    }

    @EventHandler
    void on(FilePurgedEvent event) {
        repository.purge(event.fileId());
        signalAfterCommit(event.fileId());
    }

    @EventHandler
    void on(FileSharedEvent event, @SequenceNumber long seq) {
        repository.insertAccess(event.fileId(), event.shareId(), event.grantee(), event.role(), event.expiresAt());
        repository.touch(event.fileId(), seq);
        signalAfterCommit(event.fileId());
    }

    @EventHandler
    void on(PublicLinkCreatedEvent event, @SequenceNumber long seq) {
        repository.touch(event.fileId(), seq);
        signalAfterCommit(event.fileId());
    }

    @EventHandler
    void on(ShareRevokedEvent event, @SequenceNumber long seq) {
        repository.deleteAccess(event.fileId(), event.shareId());
        repository.touch(event.fileId(), seq);
        signalAfterCommit(event.fileId());
    }

    @ResetHandler
    void reset() {
        repository.deleteAll();
    }

    private void signalAfterCommit(FileId fileId) {
        if (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().afterCommit(unitOfWork -> changes.signal(fileId));
        } else {
            changes.signal(fileId);
        }
    }
}
