package io.filestore.command.api;

import java.util.List;
import java.util.Map;

/**
 * A merge patch of {@link FileMetadata}: null fields stay as they are; in {@code attributes}, a null value removes
 * the key. {@code tags} replaces the whole tag list when present.
 */
public record MetadataPatch(String description, List<String> tags, String folder, Map<String, String> attributes) {

    public boolean isEmpty() {
        return description == null && tags == null && folder == null && (attributes == null || attributes.isEmpty());
    }
}
