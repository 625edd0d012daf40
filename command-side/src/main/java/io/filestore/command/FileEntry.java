package io.filestore.command;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.getVersion;

import io.filestore.command.api.AddFileVersionCommand;
import io.filestore.command.api.Actor;
import io.filestore.command.api.CreatePublicLinkCommand;
import io.filestore.command.api.FilePermissions;
import io.filestore.command.api.FileSharedEvent;
import io.filestore.command.api.Grant;
import io.filestore.command.api.InsufficientPermissionException;
import io.filestore.command.api.PublicLinkCreatedEvent;
import io.filestore.command.api.RevokeShareCommand;
import io.filestore.command.api.Role;
import io.filestore.command.api.ShareFileCommand;
import io.filestore.command.api.ShareRevokedEvent;
import io.filestore.command.api.UnknownShareException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import io.filestore.command.api.BlobId;
import io.filestore.command.api.DeleteFileCommand;
import io.filestore.command.api.ExpectedState;
import io.filestore.command.api.FileAccessDeniedException;
import io.filestore.command.api.FileDeletedEvent;
import io.filestore.command.api.FileDeletedException;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileMetadataUpdatedEvent;
import io.filestore.command.api.FileName;
import io.filestore.command.api.FileNotDeletedException;
import io.filestore.command.api.FilePurgedEvent;
import io.filestore.command.api.FileRestoredFromTrashEvent;
import io.filestore.command.api.FileUploadedEvent;
import io.filestore.command.api.FileVersionAddedEvent;
import io.filestore.command.api.FileVersionRestoredEvent;
import io.filestore.command.api.InvalidValueException;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.PurgeFileCommand;
import io.filestore.command.api.RestoreFileFromTrashCommand;
import io.filestore.command.api.RestoreFileVersionCommand;
import io.filestore.command.api.UnknownFileException;
import io.filestore.command.api.UnknownVersionException;
import io.filestore.command.api.UpdateFileMetadataCommand;
import io.filestore.command.api.UploadFileCommand;
import io.filestore.command.api.UserId;
import io.filestore.command.api.VersionConflictException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * A file with its versions, metadata and lifecycle. Command handlers guard the invariants and apply events;
 * event sourcing handlers only assign fields (replay never fails). Fields are plain and the no-argument
 * constructor exists so that Jackson can snapshot the aggregate. Every command handler answers the aggregate's
 * sequence number after the change (the creating command answers the id, its sequence is 0), so a writer can wait
 * until the views have caught up with its own change.
 */
@Aggregate(snapshotTriggerDefinition = "fileEntrySnapshotTrigger")
class FileEntry {

    static final int MAX_SHARES = 1000;

    @AggregateIdentifier
    private FileId fileId;
    private UserId owner;
    private FileName name;
    private FileMetadata metadata;
    private List<VersionState> versions = new ArrayList<>();
    private boolean deleted;
    private boolean purged;
    private Map<String, Grant> grants = new LinkedHashMap<>();
    private Map<String, Instant> publicLinks = new LinkedHashMap<>();

    /** One stored version: what rollback needs to point a new version at an old blob. */
    record VersionState(int version, BlobId blobId, long size, MediaType mediaType) {
    }

    FileEntry() {
        // for Axon and Jackson
    }

    @CommandHandler
    FileEntry(UploadFileCommand command) {
        Objects.requireNonNull(command.fileId(), "fileId");
        require(command.name() != null, "name", "is required");
        require(command.mediaType() != null, "mimeType", "is required");
        require(command.blobId() != null, "blobId", "is required");
        require(command.owner() != null, "owner", "is required");
        require(command.size() >= 0, "size", "must not be negative");
        apply(new FileUploadedEvent(command.fileId(), command.name(), command.mediaType(), command.size(),
                command.blobId(), command.metadata() == null ? FileMetadata.EMPTY : command.metadata(),
                command.owner()));
    }

    @CommandHandler
    long handle(AddFileVersionCommand command) {
        requireLive(command.by(), Role.EDITOR);
        requireExpected(command.expected());
        require(command.blobId() != null, "blobId", "is required");
        require(command.mediaType() != null, "mimeType", "is required");
        require(command.size() >= 0, "size", "must not be negative");
        apply(new FileVersionAddedEvent(fileId, currentVersion().version() + 1, command.blobId(), command.size(),
                command.mediaType(), command.name() != null ? command.name() : name,
                metadata.merge(command.metadata()), limitChangeLog(command.changeLog()), command.by().userId()));
        return getVersion();
    }

    @CommandHandler
    long handle(RestoreFileVersionCommand command) {
        requireLive(command.by(), Role.EDITOR);
        requireExpected(command.expected());
        VersionState target = versions.stream()
                .filter(v -> v.version() == command.version())
                .findFirst()
                .orElseThrow(() -> new UnknownVersionException("file " + fileId + " has no version " + command.version()));
        String changeLog = command.changeLog() != null ? command.changeLog() : "Restored version " + target.version();
        apply(new FileVersionRestoredEvent(fileId, currentVersion().version() + 1, target.version(), target.blobId(),
                target.size(), target.mediaType(), limitChangeLog(changeLog), command.by().userId()));
        return getVersion();
    }

    @CommandHandler
    long handle(UpdateFileMetadataCommand command) {
        requireLive(command.by(), Role.EDITOR);
        requireExpected(command.expected());
        FileName newName = command.name() != null ? command.name() : name;
        FileMetadata newMetadata = metadata.merge(command.patch());
        if (newName.equals(name) && newMetadata.equals(metadata)) {
            return getVersion(); // nothing changes: no event
        }
        apply(new FileMetadataUpdatedEvent(fileId, newName, newMetadata, command.by().userId()));
        return getVersion();
    }

    @CommandHandler
    long handle(DeleteFileCommand command) {
        requireLive(command.by(), Role.ADMIN);
        requireExpected(command.expected());
        apply(new FileDeletedEvent(fileId, command.by().userId()));
        return getVersion();
    }

    @CommandHandler
    long handle(RestoreFileFromTrashCommand command) {
        requireExisting(command.by(), Role.ADMIN);
        if (!deleted) {
            throw new FileNotDeletedException("file " + fileId + " is not in the trash");
        }
        apply(new FileRestoredFromTrashEvent(fileId, command.by().userId()));
        return getVersion();
    }

    @CommandHandler
    long handle(PurgeFileCommand command) {
        if (purged) {
            throw new UnknownFileException("no file " + fileId);
        }
        if (!command.retentionExpired()) {
            requireExisting(command.by(), Role.ADMIN);
        }
        if (!deleted) {
            throw new FileNotDeletedException("file " + fileId + " must be in the trash before it is purged");
        }
        apply(new FilePurgedEvent(fileId, command.by().userId(), command.retentionExpired()));
        return getVersion();
    }

    @CommandHandler
    long handle(ShareFileCommand command) {
        requireLive(command.by(), Role.ADMIN);
        requireExpected(command.expected());
        require(command.grantee() != null, "grantee", "is required");
        require(command.role() != null, "role", "is required");
        require(!command.grantee().isUser(owner), "grantee", "is the owner already");
        requireNewShareId(command.shareId());
        require(command.expiresAt() == null || command.expiresAt().isAfter(Instant.now()), "expiresAt",
                "must be in the future");
        apply(new FileSharedEvent(fileId, command.shareId(), command.grantee(), command.role(), command.expiresAt(),
                command.by().userId()));
        return getVersion();
    }

    @CommandHandler
    long handle(CreatePublicLinkCommand command) {
        requireLive(command.by(), Role.ADMIN);
        requireExpected(command.expected());
        require(command.tokenHash() != null, "token", "is required");
        requireNewShareId(command.shareId());
        require(command.expiresAt() == null || command.expiresAt().isAfter(Instant.now()), "expiresAt",
                "must be in the future");
        require(command.maxDownloads() == null || command.maxDownloads() > 0, "maxDownloads", "must be positive");
        apply(new PublicLinkCreatedEvent(fileId, command.shareId(), command.tokenHash(), command.passwordHash(),
                command.expiresAt(), command.maxDownloads(), command.by().userId()));
        return getVersion();
    }

    @CommandHandler
    long handle(RevokeShareCommand command) {
        requireExisting(command.by(), Role.ADMIN);
        requireExpected(command.expected());
        if (!grants.containsKey(command.shareId()) && !publicLinks.containsKey(command.shareId())) {
            throw new UnknownShareException("file " + fileId + " has no share " + command.shareId());
        }
        apply(new ShareRevokedEvent(fileId, command.shareId(), command.by().userId()));
        return getVersion();
    }

    @EventSourcingHandler
    void on(FileSharedEvent event) {
        grants.put(event.shareId(), new Grant(event.shareId(), event.grantee(), event.role(), event.expiresAt()));
    }

    @EventSourcingHandler
    void on(PublicLinkCreatedEvent event) {
        publicLinks.put(event.shareId(), event.expiresAt());
    }

    @EventSourcingHandler
    void on(ShareRevokedEvent event) {
        grants.remove(event.shareId());
        publicLinks.remove(event.shareId());
    }

    @EventSourcingHandler
    void on(FileUploadedEvent event) {
        fileId = event.fileId();
        owner = event.owner();
        name = event.name();
        metadata = event.metadata();
        versions.add(new VersionState(1, event.blobId(), event.size(), event.mediaType()));
    }

    @EventSourcingHandler
    void on(FileVersionAddedEvent event) {
        name = event.name();
        metadata = event.metadata();
        versions.add(new VersionState(event.version(), event.blobId(), event.size(), event.mediaType()));
    }

    @EventSourcingHandler
    void on(FileVersionRestoredEvent event) {
        versions.add(new VersionState(event.version(), event.blobId(), event.size(), event.mediaType()));
    }

    @EventSourcingHandler
    void on(FileMetadataUpdatedEvent event) {
        name = event.name();
        metadata = event.metadata();
    }

    @EventSourcingHandler
    void on(FileDeletedEvent event) {
        deleted = true;
    }

    @EventSourcingHandler
    void on(FileRestoredFromTrashEvent event) {
        deleted = false;
    }

    @EventSourcingHandler
    void on(FilePurgedEvent event) {
        purged = true;
    }

    private VersionState currentVersion() {
        return versions.get(versions.size() - 1);
    }

    /**
     * The actor must hold {@code needed} on a file that was not purged. Without even read access the file does
     * not exist for them (404); with read access but too small a role it is a 403.
     */
    private void requireExisting(Actor by, Role needed) {
        if (purged) {
            throw new UnknownFileException("no file " + fileId);
        }
        Role role = new FilePermissions(owner, List.copyOf(grants.values())).roleOf(by, Instant.now()).orElse(null);
        if (role == null) {
            throw new FileAccessDeniedException("no access to file " + fileId);
        }
        if (!role.allows(needed)) {
            throw new InsufficientPermissionException("this needs the " + needed.name().toLowerCase()
                    + " role on file " + fileId);
        }
    }

    private void requireLive(Actor by, Role needed) {
        requireExisting(by, needed);
        if (deleted) {
            throw new FileDeletedException("file " + fileId + " is in the trash");
        }
    }

    private void requireNewShareId(String shareId) {
        require(shareId != null && shareId.matches("[A-Za-z0-9_-]{8,64}"), "shareId", "must be 8-64 URL-safe characters");
        require(!grants.containsKey(shareId) && !publicLinks.containsKey(shareId), "shareId", "is taken");
        require(grants.size() + publicLinks.size() < MAX_SHARES, "share", "a file has at most " + MAX_SHARES + " shares");
    }

    /**
     * The If-Match precondition, checked against the state loaded under the aggregate's lock (and the event store's
     * unique sequence numbers catch a concurrent writer elsewhere), so two writers with the same tag cannot both
     * succeed. The revision is the sequence number of the last event, the one the views store.
     */
    private void requireExpected(ExpectedState expected) {
        if (expected == null) {
            return;
        }
        VersionState current = currentVersion();
        Long revision = getVersion();
        long currentRevision = revision == null ? -1 : revision;
        if (!expected.matches(current.version(), current.blobId(), currentRevision)) {
            throw new VersionConflictException(current.version(), current.blobId(), currentRevision);
        }
    }

    private static void require(boolean condition, String field, String problem) {
        if (!condition) {
            throw new InvalidValueException(field, problem);
        }
    }

    private static String limitChangeLog(String changeLog) {
        if (changeLog == null || changeLog.isBlank()) {
            return null;
        }
        if (changeLog.length() > 1024) {
            throw new InvalidValueException("changeLog", "must be at most 1024 characters");
        }
        return changeLog;
    }
}
