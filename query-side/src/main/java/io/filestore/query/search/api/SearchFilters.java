package io.filestore.query.search.api;

import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.InvalidValueException;
import io.filestore.command.api.UserId;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Filters of a search or listing; every one is optional (null or empty) and all present ones must hold.
 * {@code tags}: the file has all of them (case-insensitive). {@code folder}: the file is in that folder or, when
 * {@code recursive}, in any folder below it. {@code mimeType}: exact ({@code image/png}, parameters ignored) or a
 * whole top-level type ({@code image/*}). Sizes are inclusive bounds in bytes. {@code ...After} bounds are inclusive
 * and {@code ...Before} bounds exclusive, so consecutive ranges never overlap. {@code owner}: the file's owner.
 * Invalid values are rejected with {@link InvalidValueException} naming the parameter.
 */
public record SearchFilters(List<String> tags, String folder, boolean recursive, String mimeType, Long minSize,
                            Long maxSize, Instant createdAfter, Instant createdBefore, Instant updatedAfter,
                            Instant updatedBefore, UserId owner) {

    private static final Pattern MIME_FILTER = Pattern.compile(
            "[a-z0-9][a-z0-9!#$&^_.+\\-]{0,126}/(\\*|[a-z0-9][a-z0-9!#$&^_.+\\-]{0,126})");

    public static final SearchFilters NONE = new SearchFilters(List.of(), null, true, null, null, null, null, null,
            null, null, null);

    public SearchFilters {
        tags = normalizeTags(tags);
        if (folder != null) {
            try {
                folder = new FileMetadata(null, List.of(), folder, Map.of()).folder();
            } catch (InvalidValueException e) {
                throw new InvalidValueException("folder", e.getMessage().replaceFirst("^metadata\\.folder ", ""));
            }
        }
        if (mimeType != null) {
            mimeType = mimeType.trim().toLowerCase(java.util.Locale.ROOT);
            if (!MIME_FILTER.matcher(mimeType).matches()) {
                throw new InvalidValueException("mimeType", "must be a media type like image/png or a type like image/*");
            }
        }
        if (minSize != null && minSize < 0) {
            throw new InvalidValueException("minSize", "must not be negative");
        }
        if (maxSize != null && maxSize < 0) {
            throw new InvalidValueException("maxSize", "must not be negative");
        }
        if (minSize != null && maxSize != null && minSize > maxSize) {
            throw new InvalidValueException("maxSize", "must not be smaller than minSize");
        }
        if (createdAfter != null && createdBefore != null && !createdAfter.isBefore(createdBefore)) {
            throw new InvalidValueException("createdBefore", "must be later than createdAfter");
        }
        if (updatedAfter != null && updatedBefore != null && !updatedAfter.isBefore(updatedBefore)) {
            throw new InvalidValueException("updatedBefore", "must be later than updatedAfter");
        }
    }

    /** True when the filter keeps every file. */
    public boolean isEmpty() {
        return tags.isEmpty() && (folder == null || (folder.equals("/") && recursive)) && mimeType == null
                && minSize == null && maxSize == null && createdAfter == null && createdBefore == null
                && updatedAfter == null && updatedBefore == null && owner == null;
    }

    /** {@code image/*} filters on the top-level type; returns {@code image/}, or null for an exact type. */
    public String mimeTypePrefix() {
        return mimeType != null && mimeType.endsWith("/*") ? mimeType.substring(0, mimeType.length() - 1) : null;
    }

    private static List<String> normalizeTags(List<String> tags) {
        if (tags == null || tags.isEmpty()) {
            return List.of();
        }
        LinkedHashSet<String> result = new LinkedHashSet<>();
        for (String tag : tags) {
            String t = tag == null ? "" : tag.trim();
            if (t.isEmpty() || t.length() > FileMetadata.MAX_TAG_LENGTH) {
                throw new InvalidValueException("tags", "each tag must be 1-" + FileMetadata.MAX_TAG_LENGTH
                        + " characters");
            }
            result.add(t);
        }
        if (result.size() > FileMetadata.MAX_TAGS) {
            throw new InvalidValueException("tags", "at most " + FileMetadata.MAX_TAGS + " tags");
        }
        return List.copyOf(result);
    }
}
