package io.filestore.query.audit.api;

import io.filestore.command.api.FileId;
import io.filestore.command.api.UserId;
import java.time.Instant;

/**
 * The audit trail, newest first, for administrators; every filter is optional (null): the actor, the file, the
 * target ({@code user:alice}, {@code backup:<id>}...), the action, and the time range {@code [from, to)}. Answers
 * {@link AuditPage}.
 */
public record AuditQuery(UserId actor, FileId fileId, String target, AuditAction action, Instant from, Instant to,
                         int offset, int limit) {
}
