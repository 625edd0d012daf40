package io.filestore.query.search.api;

import io.filestore.command.api.FileId;
import io.filestore.command.api.InvalidValueException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * The position after the last hit of a page ({@code search_after}): the sort it belongs to, the last hit's sort
 * value and its file id. Clients see it as an opaque URL-safe string and send it back as {@code cursor}; it holds
 * nothing but a position, and the caller's permission filter applies to every page anyway.
 */
public record SearchCursor(SortField sort, SortDirection direction, Object value, FileId after) {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String VERSION = "1";
    private static final int MAX_ENCODED = 2048;

    public SearchCursor {
        Objects.requireNonNull(sort, "sort");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(after, "after");
        boolean typed = switch (sort) {
            case RELEVANCE -> value instanceof Double;
            case NAME -> value instanceof String;
            case SIZE, CREATED_AT, UPDATED_AT -> value instanceof Long;
        };
        if (!typed) {
            throw new InvalidValueException("cursor", "is not a position of this sort");
        }
    }

    public String encode() {
        ArrayNode array = JSON.createArrayNode();
        array.add(VERSION).add(sort.parameter()).add(direction.name());
        if (value instanceof Double d) {
            array.add(d);
        } else if (value instanceof Long l) {
            array.add(l);
        } else {
            array.add((String) value);
        }
        array.add(after.value());
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(JSON.writeValueAsString(array).getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a cursor from {@link #encode()}; anything else is an {@link InvalidValueException} on "cursor". */
    public static SearchCursor decode(String encoded) {
        if (encoded == null || encoded.isEmpty() || encoded.length() > MAX_ENCODED) {
            throw invalid();
        }
        try {
            JsonNode array = JSON.readTree(new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8));
            if (!array.isArray() || array.size() != 5 || !VERSION.equals(array.get(0).asString(""))) {
                throw invalid();
            }
            SortField sort = SortField.fromParameter(array.get(1).asString("")).orElseThrow(SearchCursor::invalid);
            SortDirection direction = SortDirection.valueOf(array.get(2).asString(""));
            JsonNode raw = array.get(3);
            Object value = switch (sort) {
                case RELEVANCE -> raw.isNumber() ? raw.asDouble() : null;
                case NAME -> raw.isString() ? raw.asString() : null;
                case SIZE, CREATED_AT, UPDATED_AT -> raw.isIntegralNumber() ? raw.asLong() : null;
            };
            return new SearchCursor(sort, direction, value, new FileId(array.get(4).asString("")));
        } catch (IllegalArgumentException | JacksonException e) {
            throw invalid();
        }
    }

    private static InvalidValueException invalid() {
        return new InvalidValueException("cursor", "is not a cursor this service issued");
    }
}
