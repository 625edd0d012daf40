package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/**
 * A system administrator started a backup ({@code backupId}). A fact for the audit trail, published without an
 * aggregate; the backup's progress and outcome are in its own status, not in events.
 */
@Revision("1")
public record BackupStartedEvent(String backupId, UserId by) {
}
