package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/** A system administrator deleted a backup. A fact for the audit trail, published without an aggregate. */
@Revision("1")
public record BackupDeletedEvent(String backupId, UserId by) {
}
