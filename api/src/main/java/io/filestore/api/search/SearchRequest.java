package io.filestore.api.search;

import io.filestore.api.web.BadRequestException;
import io.filestore.command.api.InvalidValueException;
import io.filestore.command.api.UserId;
import io.filestore.query.search.api.Facet;
import io.filestore.query.search.api.SearchCursor;
import io.filestore.query.search.api.SearchFilesQuery;
import io.filestore.query.search.api.SearchFilters;
import io.filestore.query.search.api.SortDirection;
import io.filestore.query.search.api.SortField;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The search and filter parameters of {@code GET /api/files/search} and {@code GET /api/files}, as a typed request
 * record validated at the edge: {@link #of} reads each parameter once (a repeated single-valued parameter, a value of
 * the wrong type, an unknown sort field or facet is a 400 naming it), {@link #toQuery} applies the value rules of
 * the query records (ranges, sizes, instants within years 1-9999, a cursor of the same sort) before anything is
 * asked of the index. Every invalid value is a 400 naming its parameter.
 */
public record SearchRequest(String q, List<String> tags, String folder, boolean recursive, String mimeType, Long minSize,
                     Long maxSize, Instant createdAfter, Instant createdBefore, Instant updatedAfter,
                     Instant updatedBefore, UserId owner, SortField sort, SortDirection direction,
                     SearchCursor cursor, Set<Facet> facets, int offset, int limit, int facetSize) {

    static final int DEFAULT_LIMIT = 20;
    static final int DEFAULT_FACET_SIZE = 10;

    /** Parameters that make {@code GET /api/files} a search-index listing rather than the plain newest-first one. */
    static final List<String> INDEX_PARAMETERS = List.of("q", "tags", "folder", "recursive", "mimeType", "minSize",
            "maxSize", "createdAfter", "createdBefore", "updatedAfter", "updatedBefore", "owner", "sort", "cursor",
            "facets", "facetSize");

    static boolean wantsIndex(HttpServletRequest request) {
        for (String name : INDEX_PARAMETERS) {
            if (request.getParameter(name) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads the parameters of {@code request} (with a cursor's filters already applied by {@link CursorScope}); a
     * search ({@code textRequired}) needs its text q.
     */
    public static SearchRequest of(HttpServletRequest request, boolean textRequired) {
        String text = single(request, "q");
        if (textRequired && (text == null || text.isBlank())) {
            throw new BadRequestException("q", "the search text q is required");
        }
        try {
            SortField sort = null;
            SortDirection direction = null;
            String sortParam = single(request, "sort");
            if (sortParam != null) {
                String[] parts = sortParam.split(":", 2);
                sort = SortField.fromParameter(parts[0].trim()).orElseThrow(() -> new BadRequestException("sort",
                        "unknown sort field '" + parts[0] + "'; use relevance, name, size, createdAt or updatedAt"));
                if (parts.length == 2) {
                    direction = switch (parts[1].trim().toLowerCase(Locale.ROOT)) {
                        case "asc" -> SortDirection.ASC;
                        case "desc" -> SortDirection.DESC;
                        default -> throw new BadRequestException("sort", "the order must be asc or desc");
                    };
                }
            }
            String cursorParam = single(request, "cursor");
            SearchCursor cursor = cursorParam == null ? null : SearchCursor.decode(cursorParam);
            return new SearchRequest(text, list(request, "tags"), single(request, "folder"),
                    bool(request, "recursive", true), single(request, "mimeType"), number(request, "minSize"),
                    number(request, "maxSize"), instant(request, "createdAfter"), instant(request, "createdBefore"),
                    instant(request, "updatedAfter"), instant(request, "updatedBefore"), user(request, "owner"),
                    sort, direction, cursor, facets(request), integer(request, "offset", 0),
                    integer(request, "limit", DEFAULT_LIMIT), integer(request, "facetSize", DEFAULT_FACET_SIZE));
        } catch (InvalidValueException e) {
            throw new BadRequestException(e.field(), e.getMessage());
        }
    }

    /**
     * The query this request asks. A listing without {@code owner} (no search text)
     * shows the caller's own files like the plain listing does, and {@code owner=<id>} another owner's files the
     * caller may read; a search looks through everything the caller may read. Without a sort of its own, a cursor's
     * sort applies.
     */
    SearchFilesQuery toQuery(io.filestore.command.api.Actor caller) {
        try {
            boolean text = q != null && !q.isBlank();
            SearchFilters filters = new SearchFilters(tags, folder, recursive, mimeType, minSize, maxSize,
                    createdAfter, createdBefore, updatedAfter, updatedBefore,
                    owner == null && !text ? caller.userId() : owner);
            SortField sortBy = sort;
            SortDirection order = direction;
            if (cursor != null && sortBy == null) {
                sortBy = cursor.sort();
                order = cursor.direction();
            }
            return new SearchFilesQuery(caller, text ? q : null, filters, sortBy, order, offset, limit, cursor, facets,
                    facetSize);
        } catch (InvalidValueException e) {
            throw new BadRequestException(e.field(), e.getMessage());
        }
    }

    /** The filters as given, without the default owner of {@link #toQuery} ({@code owner} is left to the caller). */
    public SearchFilters filters() {
        try {
            return new SearchFilters(tags, folder, recursive, mimeType, minSize, maxSize, createdAfter, createdBefore,
                    updatedAfter, updatedBefore, null);
        } catch (InvalidValueException e) {
            throw new BadRequestException(e.field(), e.getMessage());
        }
    }

    private static String single(HttpServletRequest request, String name) {
        String[] values = request.getParameterValues(name);
        if (values == null || values.length == 0) {
            return null;
        }
        if (values.length > 1) {
            throw new BadRequestException(name, "parameter '" + name + "' is given more than once");
        }
        return values[0];
    }

    /** A list parameter: repeated ({@code tags=a&tags=b}) and/or comma-separated ({@code tags=a,b}). */
    private static List<String> list(HttpServletRequest request, String name) {
        String[] values = request.getParameterValues(name);
        List<String> result = new ArrayList<>();
        if (values != null) {
            for (String value : values) {
                for (String part : value.split(",")) {
                    if (!part.isBlank()) {
                        result.add(part.trim());
                    }
                }
            }
        }
        return result;
    }

    private static boolean bool(HttpServletRequest request, String name, boolean fallback) {
        String value = single(request, name);
        if (value == null) {
            return fallback;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new BadRequestException(name, "'" + name + "' must be true or false");
        };
    }

    private static Long number(HttpServletRequest request, String name) {
        String value = single(request, name);
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new BadRequestException(name, "'" + name + "' must be a whole number of bytes");
        }
    }

    private static int integer(HttpServletRequest request, String name, int fallback) {
        String value = single(request, name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new BadRequestException(name, "'" + name + "' must be a whole number");
        }
    }

    /** An ISO-8601 instant ({@code 2024-05-01T12:00:00Z}, any offset) or a date ({@code 2024-05-01}, UTC midnight). */
    private static Instant instant(HttpServletRequest request, String name) {
        return io.filestore.api.web.Instants.filter(name, single(request, name), true);
    }

    private static UserId user(HttpServletRequest request, String name) {
        String value = single(request, name);
        if (value == null) {
            return null;
        }
        try {
            return new UserId(value.trim());
        } catch (InvalidValueException e) {
            throw new BadRequestException(name, "'" + name + "' is not a valid user id");
        }
    }

    private static Set<Facet> facets(HttpServletRequest request) {
        Set<Facet> facets = EnumSet.noneOf(Facet.class);
        for (String name : list(request, "facets")) {
            facets.add(Facet.fromParameter(name).orElseThrow(() -> new BadRequestException("facets",
                    "unknown facet '" + name + "'; use tags, mimeType or folder")));
        }
        return facets;
    }
}
