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
                           MetadataResponse metadata, String owner, String url, Instant deletedAt,
                           PermissionsResponse permissions) {

    /**
     * Who may do what (the seed's shape plus {@code admin}): principals as {@code user:<id>} / {@code group:<name>};
     * {@code read} holds everyone who may read, {@code write} those who may also write, {@code admin} those who
     * may also share. Expired shares are left out.
     */
    public record PermissionsResponse(String owner, List<String> read, List<String> write, List<String> admin) {

        public static PermissionsResponse of(io.filestore.command.api.FilePermissions permissions) {
            Instant now = Instant.now();
            List<io.filestore.command.api.Grant> active = permissions.grants().stream()
                    .filter(g -> g.activeAt(now)).toList();
            return new PermissionsResponse(permissions.owner().value(),
                    active.stream().map(g -> g.grantee().value()).distinct().toList(),
                    active.stream().filter(g -> g.role().allows(io.filestore.command.api.Role.EDITOR))
                            .map(g -> g.grantee().value()).distinct().toList(),
                    active.stream().filter(g -> g.role().allows(io.filestore.command.api.Role.ADMIN))
                            .map(g -> g.grantee().value()).distinct().toList());
        }
    }

    /** The user-editable metadata. */
    public record MetadataResponse(String description, List<String> tags, String folder,
                                   Map<String, String> attributes) {
    }

    public static FileResponse of(FileView view) {
        return new FileResponse(view.fileId().value(), view.name().value(), view.size(), view.mediaType().value(),
                view.contentUpdatedAt(), view.createdAt(), view.updatedAt(), view.version(),
                view.blobId().checksum(),
                new MetadataResponse(view.metadata().description(), view.metadata().tags(),
                        view.metadata().folder(), view.metadata().attributes()),
                view.owner().value(),
                FileUrls.of(view.fileId(), view.version(), view.permissions()),
                view.deletedAt(),
                PermissionsResponse.of(view.permissions()));
    }
}
