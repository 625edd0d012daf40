package io.filestore.replay.archive;

import java.time.Instant;
import java.util.List;

/**
 * What a backup archive holds: every event with a global index up to {@code position} ({@code events} of them, the
 * first and last event's time), the latest aggregate snapshots consistent with them, and the blobs they reference,
 * with each part's size and SHA-256.
 */
public record Manifest(String format, String backupId, Instant createdAt, long position, long events, long snapshots,
                       long blobs, long blobBytes, String firstEventAt, String lastEventAt, List<ArchivePart> parts) {

    public ArchivePart part(String name) {
        return parts.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new ArchiveException("the manifest lists no part " + name));
    }
}
