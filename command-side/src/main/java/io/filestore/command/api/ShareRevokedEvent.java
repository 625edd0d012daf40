package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/** A share or public link was revoked. */
@Revision("1")
public record ShareRevokedEvent(FileId fileId, String shareId, UserId by) {
}
