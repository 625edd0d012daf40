package io.filestore.command.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * User-editable metadata of a file: a description, tags, the folder it is filed in, and free-form string
 * attributes. Limits: description 4,096 characters; at most 64 tags of 1-64 characters (trimmed, deduplicated,
 * order kept); folder an absolute path of at most 1,024 characters whose segments are valid names; at most 64
 * attributes, keys 1-64 characters of letters, digits and {@code . _ -}, values at most 1,024 characters.
 */
public record FileMetadata(String description, List<String> tags, String folder, Map<String, String> attributes) {

    public static final int MAX_DESCRIPTION = 4096;
    public static final int MAX_TAGS = 64;
    public static final int MAX_TAG_LENGTH = 64;
    public static final int MAX_FOLDER_LENGTH = 1024;
    public static final int MAX_ATTRIBUTES = 64;
    public static final int MAX_ATTRIBUTE_VALUE = 1024;

    public static final FileMetadata EMPTY = new FileMetadata(null, List.of(), "/", Map.of());

    public FileMetadata {
        description = description == null || description.isEmpty() ? null : description;
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw new InvalidValueException("metadata.description", "must be at most " + MAX_DESCRIPTION + " characters");
        }
        tags = normalizeTags(tags);
        folder = normalizeFolder(folder);
        attributes = normalizeAttributes(attributes);
    }

    /** Returns this metadata with the non-null parts of {@code patch} applied (a null attribute value removes it). */
    public FileMetadata merge(MetadataPatch patch) {
        if (patch == null) {
            return this;
        }
        Map<String, String> merged = new TreeMap<>(attributes);
        if (patch.attributes() != null) {
            patch.attributes().forEach((k, v) -> {
                if (v == null) {
                    merged.remove(k);
                } else {
                    merged.put(k, v);
                }
            });
        }
        return new FileMetadata(
                patch.description() != null ? patch.description() : description,
                patch.tags() != null ? patch.tags() : tags,
                patch.folder() != null ? patch.folder() : folder,
                merged);
    }

    private static List<String> normalizeTags(List<String> tags) {
        if (tags == null || tags.isEmpty()) {
            return List.of();
        }
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (String tag : tags) {
            if (tag == null) {
                throw new InvalidValueException("metadata.tags", "must not contain null");
            }
            String t = tag.trim();
            if (t.isEmpty() || t.length() > MAX_TAG_LENGTH) {
                throw new InvalidValueException("metadata.tags", "must be 1-" + MAX_TAG_LENGTH + " characters each");
            }
            if (t.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidValueException("metadata.tags", "must not contain control characters");
            }
            seen.add(t);
        }
        if (seen.size() > MAX_TAGS) {
            throw new InvalidValueException("metadata.tags", "must be at most " + MAX_TAGS);
        }
        return List.copyOf(seen);
    }

    /** Folders are absolute, {@code /}-separated, without empty, {@code .} or {@code ..} segments: {@code /a/b}. */
    static String normalizeFolder(String folder) {
        if (folder == null || folder.isBlank() || folder.equals("/")) {
            return "/";
        }
        if (folder.length() > MAX_FOLDER_LENGTH) {
            throw new InvalidValueException("metadata.folder", "must be at most " + MAX_FOLDER_LENGTH + " characters");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : folder.split("/", -1)) {
            if (segment.isEmpty()) {
                continue;
            }
            try {
                segments.add(new FileName(segment).value());
            } catch (InvalidValueException e) {
                throw new InvalidValueException("metadata.folder", "has an invalid segment: " + e.getMessage());
            }
        }
        return segments.isEmpty() ? "/" : "/" + String.join("/", segments);
    }

    private static Map<String, String> normalizeAttributes(Map<String, String> attributes) {
        if (attributes == null || attributes.isEmpty()) {
            return Map.of();
        }
        if (attributes.size() > MAX_ATTRIBUTES) {
            throw new InvalidValueException("metadata.attributes", "must be at most " + MAX_ATTRIBUTES + " entries");
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        attributes.forEach((k, v) -> {
            if (k == null || !k.matches("[A-Za-z0-9._\\-]{1,64}")) {
                throw new InvalidValueException("metadata.attributes", "keys must be 1-64 characters of letters, digits and . _ -");
            }
            if (v == null || v.length() > MAX_ATTRIBUTE_VALUE) {
                throw new InvalidValueException("metadata.attributes", "values must be non-null and at most " + MAX_ATTRIBUTE_VALUE + " characters");
            }
            sorted.put(k, v);
        });
        return Collections.unmodifiableMap(sorted);
    }
}
