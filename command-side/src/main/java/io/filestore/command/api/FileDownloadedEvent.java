package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/**
 * Content of a file was sent to a reader: the whole version, or a part of it ({@code partial}, a range request).
 * It is a fact for the audit trail, not a change of the file: it is published on the event bus (and so kept in the
 * event store and its backups) without an aggregate, and the {@code FileEntry} never sees it.
 */
@Revision("1")
public record FileDownloadedEvent(FileId fileId, int version, UserId by, boolean partial) {
}
