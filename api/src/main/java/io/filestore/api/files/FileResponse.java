package io.filestore.api.files;

import io.filestore.query.metadata.api.FileView;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A file as the API shows it (the seed's shape): {@code uploadedAt} is when the current version was uploaded,
 * {@code checksum} is {@code sha256:<hex>} of the current content, {@code url} downloads it.
 */
public record FileResponse(String fileId, String name, long size, String mimeType, Instant uploadedAt,
                           Instant createdAt, Instant updatedAt, int version, String checksum,
                           MetadataResponse metadata, String owner, String url, Instant deletedAt) {

    /** The user-editable metadata. */
    public record MetadataResponse(String description, List<String> tags, String folder,
                                   Map<String, String> attributes) {
    }

    static FileResponse of(FileView view) {
        return new FileResponse(view.fileId().value(), view.name().value(), view.size(), view.mediaType().value(),
                view.contentUpdatedAt(), view.createdAt(), view.updatedAt(), view.version(),
                view.blobId().checksum(),
                new MetadataResponse(view.metadata().description(), view.metadata().tags(),
                        view.metadata().folder(), view.metadata().attributes()),
                view.owner().value(),
                "/api/files/" + view.fileId().value() + "/download",
                view.deletedAt());
    }
}
