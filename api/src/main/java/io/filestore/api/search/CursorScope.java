package io.filestore.api.search;

import io.filestore.api.web.BadRequestException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Binds a search's text, filters and sort into its {@code nextCursor}, so that following a cursor continues the
 * same result: a cursor sent alone brings its search back; sent with parameters, they must be the ones it was
 * issued for (otherwise 400, instead of a page of another result). The wire form is the URL-safe base64 of
 * {@code {"v":2,"p":{name:[values]},"c":"<position>"}}; a bare position (an older cursor) still works as before.
 */
final class CursorScope {

    /** The parameters that decide which files match and in which order. */
    static final List<String> BOUND = List.of("q", "tags", "folder", "recursive", "mimeType", "minSize", "maxSize",
            "createdAfter", "createdBefore", "updatedAfter", "updatedBefore", "owner", "sort");
    static final int MAX_ENCODED = 16_384;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CursorScope() {
    }

    /**
     * The request as the search reads it: with a bound cursor, its parameters filled in and {@code cursor} the bare
     * position; without one, unchanged.
     */
    static HttpServletRequest apply(HttpServletRequest request) {
        String[] cursors = request.getParameterValues("cursor");
        if (cursors == null || cursors.length != 1) {
            return request; // absent, or repeated (SearchRequest refuses that)
        }
        Bound bound = decode(cursors[0]);
        if (bound == null) {
            return request;
        }
        Map<String, String[]> parameters = new LinkedHashMap<>(request.getParameterMap());
        for (String name : BOUND) {
            String[] sent = request.getParameterValues(name);
            String[] issued = bound.parameters().get(name);
            if (sent != null && !Arrays.equals(sent, issued)) {
                throw new BadRequestException("cursor", "the cursor belongs to a search with other parameters ('"
                        + name + "' differs): send it alone or with the parameters it was issued for");
            }
            if (sent == null && issued != null) {
                parameters.put(name, issued);
            }
        }
        parameters.put("cursor", new String[]{bound.position()});
        return new Scoped(request, parameters);
    }

    /** The cursor a client gets: the position with the parameters of the search it belongs to. */
    static String encode(HttpServletRequest request, String position) {
        ObjectNode root = JSON.createObjectNode();
        root.put("v", 2);
        ObjectNode parameters = root.putObject("p");
        for (String name : BOUND) {
            String[] values = request.getParameterValues(name);
            if (values != null) {
                ArrayNode array = parameters.putArray(name);
                for (String value : values) {
                    array.add(value);
                }
            }
        }
        root.put("c", position);
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
    }

    /** The bound cursor, or null when {@code encoded} is a bare position (left to the position's own checks). */
    static Bound decode(String encoded) {
        if (encoded.length() > MAX_ENCODED) {
            throw new BadRequestException("cursor", "cursor is not a cursor this service issued");
        }
        JsonNode root;
        try {
            root = JSON.readTree(new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | JacksonException e) {
            return null;
        }
        if (root == null || !root.isObject() || root.path("v").asInt(0) != 2) {
            return null;
        }
        JsonNode position = root.get("c");
        JsonNode parameters = root.get("p");
        if (position == null || !position.isString() || parameters == null || !parameters.isObject()) {
            throw new BadRequestException("cursor", "cursor is not a cursor this service issued");
        }
        Map<String, String[]> bound = new LinkedHashMap<>();
        for (String name : BOUND) {
            JsonNode values = parameters.get(name);
            if (values == null) {
                continue;
            }
            if (!values.isArray() || values.isEmpty()) {
                throw new BadRequestException("cursor", "cursor is not a cursor this service issued");
            }
            String[] strings = new String[values.size()];
            for (int i = 0; i < strings.length; i++) {
                if (!values.get(i).isString()) {
                    throw new BadRequestException("cursor", "cursor is not a cursor this service issued");
                }
                strings[i] = values.get(i).asString();
            }
            bound.put(name, strings);
        }
        return new Bound(bound, position.asString());
    }

    record Bound(Map<String, String[]> parameters, String position) {
    }

    /** The request with the cursor's parameters. */
    private static final class Scoped extends HttpServletRequestWrapper {

        private final Map<String, String[]> parameters;

        Scoped(HttpServletRequest request, Map<String, String[]> parameters) {
            super(request);
            this.parameters = Collections.unmodifiableMap(parameters);
        }

        @Override
        public String getParameter(String name) {
            String[] values = parameters.get(name);
            return values == null || values.length == 0 ? null : values[0];
        }

        @Override
        public String[] getParameterValues(String name) {
            String[] values = parameters.get(name);
            return values == null ? null : values.clone();
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return parameters;
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(parameters.keySet());
        }
    }
}
