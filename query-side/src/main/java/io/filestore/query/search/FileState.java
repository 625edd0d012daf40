package io.filestore.query.search;

import io.filestore.command.api.FileSharedEvent;
import io.filestore.command.api.Grant;
import io.filestore.command.api.ShareRevokedEvent;
import java.util.LinkedHashMap;
import java.util.Map;

import io.filestore.command.api.BlobId;
import io.filestore.command.api.FileDeletedEvent;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileMetadataUpdatedEvent;
import io.filestore.command.api.FileName;
import io.filestore.command.api.FilePurgedEvent;
import io.filestore.command.api.FileRestoredFromTrashEvent;
import io.filestore.command.api.FileUploadedEvent;
import io.filestore.command.api.FileVersionAddedEvent;
import io.filestore.command.api.FileVersionRestoredEvent;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.axonframework.eventhandling.DomainEventMessage;

/**
 * What the search index needs to know of a file after a given event (aggregate sequence {@code sequence}), folded
 * from the file's events. Timestamps follow the metadata view: every change moves {@code updatedAt}; new content
 * also moves {@code contentUpdatedAt}.
 */
record FileState(FileId fileId, UserId owner, FileName name, MediaType mediaType, long size, BlobId blobId,
                 int version, FileMetadata metadata, Instant createdAt, Instant updatedAt, Instant contentUpdatedAt,
                 boolean trashed, boolean purged, long sequence, Map<String, Grant> grants) {

    FileState {
        grants = grants == null ? Map.of() : Map.copyOf(grants);
    }

    static FileState uploaded(FileUploadedEvent e, long sequence, Instant at) {
        return new FileState(e.fileId(), e.owner(), e.name(), e.mediaType(), e.size(), e.blobId(), 1, e.metadata(),
                at, at, at, false, false, sequence, Map.of());
    }

    /** A file's state after the event with sequence {@code upTo}, folded from its events; null without an upload. */
    static FileState replay(Iterator<? extends DomainEventMessage<?>> events, long upTo) {
        FileState state = null;
        while (events.hasNext()) {
            DomainEventMessage<?> message = events.next();
            if (message.getSequenceNumber() > upTo) {
                break;
            }
            Object payload = message.getPayload();
            if (payload instanceof FileUploadedEvent uploaded) {
                state = uploaded(uploaded, message.getSequenceNumber(), message.getTimestamp());
            } else if (state != null) {
                state = state.apply(payload, message.getSequenceNumber(), message.getTimestamp());
            }
        }
        return state;
    }

    /** The state after {@code event}; events that do not concern the index only advance the sequence. */
    FileState apply(Object event, long seq, Instant at) {
        if (event instanceof FileVersionAddedEvent e) {
            return new FileState(fileId, owner, e.name(), e.mediaType(), e.size(), e.blobId(), e.version(),
                    e.metadata(), createdAt, at, at, trashed, purged, seq, grants);
        }
        if (event instanceof FileVersionRestoredEvent e) {
            return new FileState(fileId, owner, name, e.mediaType(), e.size(), e.blobId(), e.version(), metadata,
                    createdAt, at, at, trashed, purged, seq, grants);
        }
        if (event instanceof FileMetadataUpdatedEvent e) {
            return new FileState(fileId, owner, e.name(), mediaType, size, blobId, version, e.metadata(), createdAt,
                    at, contentUpdatedAt, trashed, purged, seq, grants);
        }
        if (event instanceof FileDeletedEvent) {
            return new FileState(fileId, owner, name, mediaType, size, blobId, version, metadata, createdAt, at,
                    contentUpdatedAt, true, purged, seq, grants);
        }
        if (event instanceof FileRestoredFromTrashEvent) {
            return new FileState(fileId, owner, name, mediaType, size, blobId, version, metadata, createdAt, at,
                    contentUpdatedAt, false, purged, seq, grants);
        }
        if (event instanceof FilePurgedEvent) {
            return new FileState(fileId, owner, name, mediaType, size, blobId, version, metadata, createdAt, at,
                    contentUpdatedAt, trashed, true, seq, grants);
        }
        if (event instanceof FileSharedEvent e) {
            Map<String, Grant> next = new LinkedHashMap<>(grants);
            next.put(e.shareId(), new Grant(e.shareId(), e.grantee(), e.role(), e.expiresAt()));
            return new FileState(fileId, owner, name, mediaType, size, blobId, version, metadata, createdAt, updatedAt,
                    contentUpdatedAt, trashed, purged, seq, next);
        }
        if (event instanceof ShareRevokedEvent e) {
            Map<String, Grant> next = new LinkedHashMap<>(grants);
            next.remove(e.shareId());
            return new FileState(fileId, owner, name, mediaType, size, blobId, version, metadata, createdAt, updatedAt,
                    contentUpdatedAt, trashed, purged, seq, next);
        }
        return new FileState(fileId, owner, name, mediaType, size, blobId, version, metadata, createdAt, updatedAt,
                contentUpdatedAt, trashed, purged, seq, grants);
    }

    /** Only live files are in the index: trashed and purged ones leave it. */
    boolean live() {
        return !trashed && !purged;
    }

    FileDocument toDocument() {
        String nameText = Words.separated(name.value());
        String description = metadata.description();
        StringBuilder content = new StringBuilder(Words.joined(name.value()));
        if (description != null) {
            content.append(' ').append(Words.joined(description));
        }
        for (String tag : metadata.tags()) {
            content.append(' ').append(Words.joined(tag));
        }
        return new FileDocument(fileId.value(), owner.value(), Readers.of(this), Readers.timed(this), name.value(), nameText, description,
                content.toString(), metadata.tags(), metadata.folder(), ancestors(metadata.folder()),
                mediaType.essence(), mediaType.value(), size, blobId.sha256(), version, sequence,
                createdAt.toString(), updatedAt.toString(), contentUpdatedAt.toString(), metadata.attributes());
    }

    /** {@code /a/b} → {@code /}, {@code /a}, {@code /a/b}: a recursive folder filter is one term on this list. */
    static List<String> ancestors(String folder) {
        List<String> result = new ArrayList<>();
        result.add("/");
        if (folder == null || folder.equals("/")) {
            return result;
        }
        int from = 1;
        while (true) {
            int slash = folder.indexOf('/', from);
            if (slash < 0) {
                result.add(folder);
                return result;
            }
            result.add(folder.substring(0, slash));
            from = slash + 1;
        }
    }
}
