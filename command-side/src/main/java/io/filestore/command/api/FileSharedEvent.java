package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/**
 * The file was shared with a user or group.
 * Revision 2: {@code expiresAt} lies in the years 1 to 9999 (revision 1 payloads are upcast by
 * {@code ExpiryWithinYear9999Upcaster} in the api module).
 */
@Revision("2")
public record FileSharedEvent(FileId fileId, String shareId, Grantee grantee, Role role, java.time.Instant expiresAt, UserId by) {
}
