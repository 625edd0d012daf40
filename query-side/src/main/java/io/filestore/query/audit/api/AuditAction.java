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
    REVOKE;

    /** The lowercase name used in the API and in the {@code audit_entry.action} column. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The action of a wire name, empty for an unknown one. */
    public static Optional<AuditAction> fromWireName(String name) {
        return Arrays.stream(values()).filter(a -> a.wireName().equals(name)).findFirst();
    }
}
