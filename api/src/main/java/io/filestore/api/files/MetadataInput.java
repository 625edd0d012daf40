package io.filestore.api.files;

import io.filestore.command.api.MetadataPatch;
import java.util.List;
import java.util.Map;

/**
 * Metadata a client sends: the {@code metadata} JSON part of an upload, the body of
 * {@code POST /api/files/{id}/metadata}, or form fields / query parameters. Every field is optional.
 */
public record MetadataInput(String name, String description, List<String> tags, String folder,
                            Map<String, String> attributes, String mimeType, String changeLog) {

    public static final MetadataInput NONE = new MetadataInput(null, null, null, null, null, null, null);

    MetadataPatch patch() {
        return new MetadataPatch(description, tags, folder, attributes);
    }

    /** Fields of {@code other} that are set win over this one's. */
    MetadataInput overriddenBy(MetadataInput other) {
        if (other == null) {
            return this;
        }
        return new MetadataInput(
                other.name != null ? other.name : name,
                other.description != null ? other.description : description,
                other.tags != null ? other.tags : tags,
                other.folder != null ? other.folder : folder,
                other.attributes != null ? other.attributes : attributes,
                other.mimeType != null ? other.mimeType : mimeType,
                other.changeLog != null ? other.changeLog : changeLog);
    }
}
