package io.filestore.command.api;

import java.time.Instant;
import org.axonframework.serialization.Revision;

/**
 * The event store was restored from a backup: {@code restoreId} restored {@code backupId} up to global position
 * {@code position} (the events before this one), optionally cut at {@code pointInTime}, {@code replace} when it
 * replaced a non-empty store. Appended to the restored store when the restore completes, so the restored history
 * itself says that it was restored, by whom ({@code by}, null when unknown) and when. Published without an aggregate,
 * with the restore's id as event identifier, so a restore resumed after a crash records it once.
 */
@Revision("1")
public record StoreRestoredEvent(String restoreId, String backupId, Long position, Instant pointInTime,
                                 boolean replace, UserId by) {
}
