package io.filestore.query.history;

import io.filestore.command.api.FileDeletedEvent;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileMetadataUpdatedEvent;
import io.filestore.command.api.FilePermissions;
import io.filestore.command.api.FilePurgedEvent;
import io.filestore.command.api.FileRestoredFromTrashEvent;
import io.filestore.command.api.FileSharedEvent;
import io.filestore.command.api.FileUploadedEvent;
import io.filestore.command.api.FileVersionAddedEvent;
import io.filestore.command.api.FileVersionRestoredEvent;
import io.filestore.command.api.PublicLinkCreatedEvent;
import io.filestore.command.api.ShareRevokedEvent;
import io.filestore.command.api.UserCreatedEvent;
import io.filestore.command.api.UserGroupsSetEvent;
import io.filestore.command.api.UserId;
import io.filestore.query.metadata.api.FileVersionView;
import io.filestore.query.metadata.api.FileView;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.stereotype.Component;

/**
 * Builds the time-travel views: every state of every file with its validity interval, every version, every share
 * and public link from creation to revocation, group memberships over time, accounts, and the changes per file.
 * The events of one file (and of one user) arrive in order; inserts skip existing keys and closing a row only
 * touches open rows, so retries and replays converge. A reset empties the views before a replay.
 */
@Component
@ProcessingGroup(HistoryProjection.PROCESSING_GROUP)
public class HistoryProjection {

    public static final String PROCESSING_GROUP = "history";

    private final HistoryRepository repository;

    public HistoryProjection(HistoryRepository repository) {
        this.repository = repository;
    }

    @EventHandler
    void on(FileUploadedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        FileMetadata metadata = event.metadata() == null ? FileMetadata.EMPTY : event.metadata();
        repository.newState(new FileView(event.fileId(), event.owner(), event.name(), event.mediaType(), event.size(),
                event.blobId(), 1, metadata, at, at, at, null, seq,
                new FilePermissions(event.owner(), List.of())), at);
        repository.insertVersion(new FileVersionView(event.fileId(), 1, event.blobId(), event.size(),
                event.mediaType(), at, event.owner(), null, null));
        repository.insertChange(event.fileId(), seq, "created", at, event.owner(), event.owner(), metadata.folder(),
                details("name", event.name().value(), "folder", metadata.folder()));
    }

    @EventHandler
    void on(FileVersionAddedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        repository.insertVersion(new FileVersionView(event.fileId(), event.version(), event.blobId(), event.size(),
                event.mediaType(), at, event.by(), event.changeLog(), null));
        previous(event.fileId(), seq).ifPresent(before -> {
            FileView after = new FileView(before.fileId(), before.owner(),
                    event.name() == null ? before.name() : event.name(), event.mediaType(), event.size(),
                    event.blobId(), event.version(), event.metadata() == null ? before.metadata() : event.metadata(),
                    before.createdAt(), at, at, before.deletedAt(), seq, before.permissions());
            repository.newState(after, at);
            repository.insertChange(event.fileId(), seq, "changed", at, before.owner(), event.by(),
                    after.metadata().folder(), details("version", String.valueOf(event.version())));
            renamedOrMoved(before, after, seq, at, event.by(), false);
        });
    }

    @EventHandler
    void on(FileVersionRestoredEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        repository.insertVersion(new FileVersionView(event.fileId(), event.version(), event.blobId(), event.size(),
                event.mediaType(), at, event.by(), event.changeLog(), event.restoredFrom()));
        previous(event.fileId(), seq).ifPresent(before -> {
            FileView after = new FileView(before.fileId(), before.owner(), before.name(), event.mediaType(),
                    event.size(), event.blobId(), event.version(), before.metadata(), before.createdAt(), at, at,
                    before.deletedAt(), seq, before.permissions());
            repository.newState(after, at);
            repository.insertChange(event.fileId(), seq, "changed", at, before.owner(), event.by(),
                    after.metadata().folder(), details("version", String.valueOf(event.version()),
                            "restoredFrom", String.valueOf(event.restoredFrom())));
        });
    }

    @EventHandler
    void on(FileMetadataUpdatedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        previous(event.fileId(), seq).ifPresent(before -> {
            FileView after = new FileView(before.fileId(), before.owner(),
                    event.name() == null ? before.name() : event.name(), before.mediaType(), before.size(),
                    before.blobId(), before.version(), event.metadata() == null ? before.metadata() : event.metadata(),
                    before.createdAt(), at, before.contentUpdatedAt(), before.deletedAt(), seq, before.permissions());
            repository.newState(after, at);
            renamedOrMoved(before, after, seq, at, event.by(), true);
        });
    }

    @EventHandler
    void on(FileDeletedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        previous(event.fileId(), seq).ifPresent(before -> {
            repository.newState(withDeleted(before, at, seq), at);
            repository.insertChange(event.fileId(), seq, "trashed", at, before.owner(), event.by(),
                    before.metadata().folder(), Map.of());
        });
    }

    @EventHandler
    void on(FileRestoredFromTrashEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        previous(event.fileId(), seq).ifPresent(before -> {
            repository.newState(withDeleted(before, null, seq), at);
            repository.insertChange(event.fileId(), seq, "restored", at, before.owner(), event.by(),
                    before.metadata().folder(), Map.of());
        });
    }

    @EventHandler
    void on(FilePurgedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        previous(event.fileId(), seq).ifPresent(before -> repository.insertChange(event.fileId(), seq, "purged", at,
                before.owner(), event.by(), before.metadata().folder(),
                details("retentionExpired", String.valueOf(event.retentionExpired()))));
        repository.purge(event.fileId());
    }

    @EventHandler
    void on(FileSharedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        repository.insertGrant(event.fileId(), event.shareId(), false, event.grantee(), event.role(),
                event.expiresAt(), false, null, at, event.by());
        previous(event.fileId(), seq + 1).ifPresent(file -> repository.insertChange(event.fileId(), seq, "shared",
                at, file.owner(), event.by(), file.metadata().folder(),
                details("shareId", event.shareId(), "grantee", event.grantee().value(),
                        "role", event.role().name().toLowerCase(java.util.Locale.ROOT),
                        "expiresAt", event.expiresAt() == null ? null : event.expiresAt().toString())));
    }

    @EventHandler
    void on(PublicLinkCreatedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        repository.insertGrant(event.fileId(), event.shareId(), true, null, null, event.expiresAt(),
                event.passwordHash() != null, event.maxDownloads(), at, event.by());
        previous(event.fileId(), seq + 1).ifPresent(file -> repository.insertChange(event.fileId(), seq, "shared",
                at, file.owner(), event.by(), file.metadata().folder(),
                details("shareId", event.shareId(), "grantee", "link",
                        "expiresAt", event.expiresAt() == null ? null : event.expiresAt().toString())));
    }

    @EventHandler
    void on(ShareRevokedEvent event, @SequenceNumber long seq, @Timestamp Instant at) {
        Optional<String> grantee = repository.endGrant(event.fileId(), event.shareId(), at);
        previous(event.fileId(), seq + 1).ifPresent(file -> repository.insertChange(event.fileId(), seq, "unshared",
                at, file.owner(), event.by(), file.metadata().folder(),
                details("shareId", event.shareId(), "grantee", grantee.orElse(null))));
    }

    @EventHandler
    void on(UserCreatedEvent event, @Timestamp Instant at) {
        repository.insertUser(event.userId(), event.systemAdmin(), at);
    }

    @EventHandler
    void on(UserGroupsSetEvent event, @Timestamp Instant at) {
        repository.setGroups(event.userId(), event.groups() == null ? Set.of() : Set.copyOf(event.groups()), at);
    }

    @ResetHandler
    void reset() {
        repository.deleteAll();
    }

    private Optional<FileView> previous(FileId fileId, long seq) {
        return repository.latestBefore(fileId, seq);
    }

    private void renamedOrMoved(FileView before, FileView after, long seq, Instant at, UserId by,
                                boolean metadataOnly) {
        boolean renamed = !before.name().equals(after.name());
        boolean moved = !before.metadata().folder().equals(after.metadata().folder());
        if (renamed) {
            repository.insertChange(after.fileId(), seq, "renamed", at, after.owner(), by, after.metadata().folder(),
                    details("from", before.name().value(), "to", after.name().value()));
        }
        if (moved) {
            repository.insertChange(after.fileId(), seq, "moved", at, after.owner(), by, after.metadata().folder(),
                    details("from", before.metadata().folder(), "to", after.metadata().folder()));
        }
        boolean otherMetadata = !Objects.equals(before.metadata().description(), after.metadata().description())
                || !before.metadata().tags().equals(after.metadata().tags())
                || !before.metadata().attributes().equals(after.metadata().attributes());
        if (metadataOnly && (otherMetadata || (!renamed && !moved))) {
            repository.insertChange(after.fileId(), seq, "changed", at, after.owner(), by, after.metadata().folder(),
                    details("metadata", "true"));
        }
    }

    private static FileView withDeleted(FileView before, Instant deletedAt, long seq) {
        return new FileView(before.fileId(), before.owner(), before.name(), before.mediaType(), before.size(),
                before.blobId(), before.version(), before.metadata(), before.createdAt(), before.updatedAt(),
                before.contentUpdatedAt(), deletedAt, seq, before.permissions());
    }

    /** Pairs of key and value; null values are left out. */
    private static Map<String, String> details(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                map.put(pairs[i], pairs[i + 1]);
            }
        }
        return map;
    }
}
