package io.filestore.query.audit;

import io.filestore.command.api.BlobId;
import io.filestore.command.api.FileDeletedEvent;
import io.filestore.command.api.FileDownloadedEvent;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileMetadataUpdatedEvent;
import io.filestore.command.api.FilePurgedEvent;
import io.filestore.command.api.FileSharedEvent;
import io.filestore.command.api.PublicLinkCreatedEvent;
import io.filestore.command.api.ShareRevokedEvent;
import io.filestore.command.api.FileRestoredFromTrashEvent;
import io.filestore.command.api.FileUploadedEvent;
import io.filestore.command.api.FileVersionAddedEvent;
import io.filestore.command.api.FileVersionRestoredEvent;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.UserId;
import io.filestore.command.api.ApiTokenIssuedEvent;
import io.filestore.command.api.ApiTokenRevokedEvent;
import io.filestore.command.api.BackupDeletedEvent;
import io.filestore.command.api.BackupStartedEvent;
import io.filestore.command.api.PublicLinkDownloadedEvent;
import io.filestore.command.api.StoreRestoredEvent;
import io.filestore.command.api.UserCreatedEvent;
import io.filestore.command.api.UserDisabledEvent;
import io.filestore.command.api.UserEnabledEvent;
import io.filestore.command.api.UserGroupsSetEvent;
import io.filestore.command.api.UserPasswordSetEvent;
import io.filestore.query.ViewValues;
import java.util.TreeSet;
import io.filestore.query.audit.api.AuditAction;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.stereotype.Component;

/**
 * Builds the audit trail: one entry per fact (a change or download of a file, a public-link download, an account,
 * password, token or group change, a backup or restore), keyed by the event identifier (a replay or a retry
 * writes nothing twice), ordered by the event's time and its position in the stream. To say what a metadata
 * change changed it keeps each file's last name and metadata, updated forward-only by aggregate sequence; events
 * of one file arrive in order (sequencing per aggregate), so the state read is the one before the event.
 */
@Component
@ProcessingGroup(AuditProjection.PROCESSING_GROUP)
public class AuditProjection {

    public static final String PROCESSING_GROUP = "audit";

    private final AuditRepository repository;

    public AuditProjection(AuditRepository repository) {
        this.repository = repository;
    }

    @EventHandler
    void on(FileUploadedEvent event, EventMessage<?> message, @SequenceNumber long seq, @Timestamp Instant at,
            TrackingToken token) {
        Map<String, Object> details = content(1, event.blobId(), event.size(), event.mediaType());
        details.put("name", event.name().value());
        details.put("metadata", metadata(event.metadata()));
        repository.insertFile(event.fileId(), event.owner(), event.name(), event.metadata(), seq);
        entry(message, token, event.fileId(), AuditAction.UPLOAD, event.owner(), at, details);
    }

    @EventHandler
    void on(FileVersionAddedEvent event, EventMessage<?> message, @SequenceNumber long seq, @Timestamp Instant at,
            TrackingToken token) {
        Map<String, Object> details = content(event.version(), event.blobId(), event.size(), event.mediaType());
        putIfPresent(details, "changeLog", event.changeLog());
        Map<String, Object> changes = repository.file(event.fileId())
                .map(before -> Changes.between(before.name(), before.metadata(), event.name(), event.metadata()))
                .orElseGet(() -> Changes.between(null, null, event.name(), event.metadata()));
        if (!changes.isEmpty()) {
            details.put("changes", changes);
        }
        repository.updateFile(event.fileId(), seq, event.name(), event.metadata());
        entry(message, token, event.fileId(), AuditAction.VERSION, event.by(), at, details);
    }

    @EventHandler
    void on(FileVersionRestoredEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        Map<String, Object> details = content(event.version(), event.blobId(), event.size(), event.mediaType());
        details.put("restoredFrom", event.restoredFrom());
        putIfPresent(details, "changeLog", event.changeLog());
        entry(message, token, event.fileId(), AuditAction.ROLLBACK, event.by(), at, details);
    }

    @EventHandler
    void on(FileMetadataUpdatedEvent event, EventMessage<?> message, @SequenceNumber long seq, @Timestamp Instant at,
            TrackingToken token) {
        Map<String, Object> changes = repository.file(event.fileId())
                .map(before -> Changes.between(before.name(), before.metadata(), event.name(), event.metadata()))
                .orElseGet(() -> Changes.between(null, null, event.name(), event.metadata()));
        repository.updateFile(event.fileId(), seq, event.name(), event.metadata());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("changes", changes);
        entry(message, token, event.fileId(), AuditAction.METADATA, event.by(), at, details);
    }

    @EventHandler
    void on(FileDeletedEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        entry(message, token, event.fileId(), AuditAction.DELETE, event.by(), at, new LinkedHashMap<>());
    }

    @EventHandler
    void on(FileRestoredFromTrashEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        entry(message, token, event.fileId(), AuditAction.RESTORE, event.by(), at, new LinkedHashMap<>());
    }

    @EventHandler
    void on(FilePurgedEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("retentionExpired", event.retentionExpired());
        entry(message, token, event.fileId(), AuditAction.PURGE, event.by(), at, details);
    }

    @EventHandler
    void on(FileDownloadedEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("version", event.version());
        details.put("partial", event.partial());
        entry(message, token, event.fileId(), AuditAction.DOWNLOAD, event.by(), at, details);
    }

    @EventHandler
    void on(FileSharedEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("shareId", event.shareId());
        details.put("grantee", event.grantee().value());
        details.put("role", event.role().name().toLowerCase(java.util.Locale.ROOT));
        putIfPresent(details, "expiresAt", event.expiresAt() == null ? null : event.expiresAt().toString());
        entry(message, token, event.fileId(), AuditAction.SHARE, event.by(), at, details);
    }

    @EventHandler
    void on(PublicLinkCreatedEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("shareId", event.shareId());
        details.put("link", true);
        details.put("passwordProtected", event.passwordHash() != null);
        putIfPresent(details, "maxDownloads", event.maxDownloads());
        putIfPresent(details, "expiresAt", event.expiresAt() == null ? null : event.expiresAt().toString());
        entry(message, token, event.fileId(), AuditAction.SHARE, event.by(), at, details);
    }

    @EventHandler
    void on(ShareRevokedEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("shareId", event.shareId());
        entry(message, token, event.fileId(), AuditAction.REVOKE, event.by(), at, details);
    }

    @EventHandler
    void on(PublicLinkDownloadedEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("shareId", event.shareId());
        details.put("version", event.version());
        details.put("partial", event.partial());
        entry(message, token, event.fileId(), "link:" + event.shareId(), AuditAction.LINK_DOWNLOAD, null, at,
                details);
    }

    @EventHandler
    void on(UserCreatedEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        Map<String, Object> details = new LinkedHashMap<>();
        putIfPresent(details, "displayName", event.displayName());
        details.put("systemAdmin", event.systemAdmin());
        entry(message, token, null, user(event.userId()), AuditAction.USER_CREATE, event.by(), at, details);
    }

    @EventHandler
    void on(UserDisabledEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        entry(message, token, null, user(event.userId()), AuditAction.USER_DISABLE, event.by(), at,
                new LinkedHashMap<>());
    }

    @EventHandler
    void on(UserEnabledEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        entry(message, token, null, user(event.userId()), AuditAction.USER_ENABLE, event.by(), at,
                new LinkedHashMap<>());
    }

    /** Never the hash: only whether it was the user's own change or someone else's reset. */
    @EventHandler
    void on(UserPasswordSetEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reset", event.by() != null && !event.by().equals(event.userId()));
        entry(message, token, null, user(event.userId()), AuditAction.PASSWORD_SET, event.by(), at, details);
    }

    @EventHandler
    void on(UserGroupsSetEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("groups", event.groups() == null ? java.util.List.of() : new TreeSet<>(event.groups()));
        entry(message, token, null, user(event.userId()), AuditAction.GROUPS_SET, event.by(), at, details);
    }

    /** Never the token or its hash: its id, name, owner and expiry. */
    @EventHandler
    void on(ApiTokenIssuedEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("userId", event.userId().value());
        putIfPresent(details, "name", event.name());
        putIfPresent(details, "expiresAt", event.expiresAt() == null ? null : event.expiresAt().toString());
        entry(message, token, null, "token:" + event.tokenId(), AuditAction.TOKEN_ISSUE, event.by(), at, details);
    }

    @EventHandler
    void on(ApiTokenRevokedEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("userId", event.userId().value());
        entry(message, token, null, "token:" + event.tokenId(), AuditAction.TOKEN_REVOKE, event.by(), at, details);
    }

    @EventHandler
    void on(BackupStartedEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        entry(message, token, null, "backup:" + event.backupId(), AuditAction.BACKUP_START, event.by(), at,
                new LinkedHashMap<>());
    }

    @EventHandler
    void on(BackupDeletedEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        entry(message, token, null, "backup:" + event.backupId(), AuditAction.BACKUP_DELETE, event.by(), at,
                new LinkedHashMap<>());
    }

    @EventHandler
    void on(StoreRestoredEvent event, EventMessage<?> message, @Timestamp Instant at, TrackingToken token) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("restoreId", event.restoreId());
        putIfPresent(details, "position", event.position());
        putIfPresent(details, "pointInTime", event.pointInTime() == null ? null : event.pointInTime().toString());
        details.put("replace", event.replace());
        entry(message, token, null, "backup:" + event.backupId(), AuditAction.STORE_RESTORE, event.by(), at,
                details);
    }

    @ResetHandler
    void reset() {
        repository.deleteAll();
    }

    private void entry(EventMessage<?> message, TrackingToken token, FileId fileId, AuditAction action, UserId actor,
                       Instant at, Map<String, Object> details) {
        entry(message, token, fileId, "file:" + fileId.value(), action, actor, at, details);
    }

    private void entry(EventMessage<?> message, TrackingToken token, FileId fileId, String target, AuditAction action,
                       UserId actor, Instant at, Map<String, Object> details) {
        long position = token == null ? 0 : token.position().orElse(0);
        repository.insertEntry(message.getIdentifier(), position, fileId, target, action, actor, at,
                clientAddress(message), details);
    }

    private static String user(UserId userId) {
        return "user:" + userId.value();
    }

    /**
     * The client address the event's metadata carries ({@value #CLIENT_ADDRESS}), as text of at most 64
     * characters: the view stores what it can, it never refuses an event for its metadata.
     */
    static String clientAddress(EventMessage<?> message) {
        Object value = message.getMetaData().get(CLIENT_ADDRESS);
        if (value == null) {
            return null;
        }
        String text = ViewValues.text(value.toString().strip());
        if (text.isEmpty()) {
            return null;
        }
        return text.length() <= 64 ? text : text.substring(0, 64);
    }

    /** The metadata key of the client address of the request that caused an event. */
    public static final String CLIENT_ADDRESS = "clientAddress";

    private static Map<String, Object> content(int version, BlobId blobId, long size, MediaType mediaType) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("version", version);
        details.put("checksum", blobId.checksum());
        details.put("size", size);
        details.put("mimeType", mediaType.value());
        return details;
    }

    private static Map<String, Object> metadata(FileMetadata metadata) {
        Map<String, Object> map = new LinkedHashMap<>();
        putIfPresent(map, "description", metadata.description());
        map.put("tags", metadata.tags());
        map.put("folder", metadata.folder());
        map.put("attributes", metadata.attributes());
        return map;
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
