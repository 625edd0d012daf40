package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/**
 * Content of a file was sent to someone holding a public link ({@code shareId}): the whole version, or a part of it
 * ({@code partial}). Like {@link FileDownloadedEvent}, a fact for the audit trail published without an aggregate;
 * counting against a link's download limit is {@link PublicLinkDownloadCountedEvent}, on the link's own aggregate.
 */
@Revision("1")
public record PublicLinkDownloadedEvent(String shareId, FileId fileId, int version, boolean partial) {
}
