package io.filestore.query.audit.api;

import io.filestore.command.api.FileId;
import io.filestore.command.api.UserId;

/**
 * Every recorded change and download of one file, newest first. Visible to the file's owner, and to anybody when
 * {@code admin} is set (the caller's role is decided by the API). Answers {@code Optional<AuditPage>}: empty when
 * there is no such file or the caller may not see it (the two look the same). The history of a purged file stays
 * readable.
 */
public record FileHistoryQuery(FileId fileId, UserId caller, boolean admin, int offset, int limit) {
}
