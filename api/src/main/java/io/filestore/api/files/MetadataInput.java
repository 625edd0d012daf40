package io.filestore.api.files;

import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.MetadataPatch;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * Metadata a client sends: the {@code metadata} JSON part of an upload, the body of
 * {@code POST /api/files/{id}/metadata}, or form fields / query parameters. Every field is optional.
 */
public record MetadataInput(@Size(max = 1024) String name, @Size(max = FileMetadata.MAX_DESCRIPTION) String description,
                            @Size(max = FileMetadata.MAX_TAGS) List<@Size(max = FileMetadata.MAX_TAG_LENGTH) String> tags,
                            @Size(max = FileMetadata.MAX_FOLDER_LENGTH) String folder,
                            @Size(max = FileMetadata.MAX_ATTRIBUTES)
                            Map<String, @Size(max = FileMetadata.MAX_ATTRIBUTE_VALUE) String> attributes,
                            @Size(max = 255) String mimeType, @Size(max = 1024) String changeLog) {

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
