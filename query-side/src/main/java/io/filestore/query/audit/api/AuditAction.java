package io.filestore.query.audit.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What happened to a file, as the audit trail names it ({@link #wireName()} is the name in the API). */
public enum AuditAction {
    UPLOAD,
    VERSION,
    ROLLBACK,
    METADATA,
    DELETE,
    RESTORE,
    PURGE,
    DOWNLOAD,
    SHARE,
    REVOKE,
    /** A public link's content was sent (to whoever held the link). */
    LINK_DOWNLOAD,
    USER_CREATE,
    USER_DISABLE,
    USER_ENABLE,
    /** A user's password was set: by themselves (a change) or by an administrator (a reset). */
    PASSWORD_SET,
    GROUPS_SET,
    TOKEN_ISSUE,
    TOKEN_REVOKE,
    BACKUP_START,
    BACKUP_DELETE,
    /** The event store was restored from a backup (recorded in the restored store). */
    STORE_RESTORE;

    /** The name used in the API and in the {@code audit_entry.action} column: lowercase, words joined by '-'. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the action is about one file (it has a {@code fileId}). */
    public boolean aboutAFile() {
        return ordinal() <= LINK_DOWNLOAD.ordinal();
    }

    /** The action of a wire name, empty for an unknown one. */
    public static Optional<AuditAction> fromWireName(String name) {
        return Arrays.stream(values()).filter(a -> a.wireName().equals(name)).findFirst();
    }
}
