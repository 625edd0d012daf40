package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/** The file was shared with a user or group. */
@Revision("1")
public record FileSharedEvent(FileId fileId, String shareId, Grantee grantee, Role role, java.time.Instant expiresAt, UserId by) {
}
