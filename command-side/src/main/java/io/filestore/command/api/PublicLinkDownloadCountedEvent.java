package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/**
 * One download of a public link was counted against its limit; {@code count} is the link's total after it. Part of
 * the event stream, so a restore brings every link's count back.
 */
@Revision("1")
public record PublicLinkDownloadCountedEvent(String shareId, FileId fileId, int count) {
}
