package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/** The file was removed for good; its blobs may be collected once nothing else references them. */
@Revision("1")
public record FilePurgedEvent(FileId fileId, UserId by, boolean retentionExpired) {
}
