package io.filestore.query.search.api;

import io.filestore.command.api.InvalidValueException;
import io.filestore.command.api.UserId;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A search over the files {@code caller} may read: full text {@code text} (null for a filtered listing), filters,
 * order, one page (either {@code offset}/{@code limit} or a {@code cursor} from the previous page) and the facets
 * to count. Answers {@link SearchPage}. Limits: text 1-{@value #MAX_TEXT} characters, limit 1-{@value #MAX_LIMIT},
 * offset + limit at most {@value #MAX_WINDOW} (deeper pages take the cursor), facet size 1-{@value #MAX_FACET_SIZE}.
 */
public record SearchFilesQuery(io.filestore.command.api.Actor caller, String text, SearchFilters filters, SortField sort,
                               SortDirection direction, int offset, int limit, SearchCursor cursor, Set<Facet> facets,
                               int facetSize) {

    public static final int MAX_TEXT = 256;
    public static final int MAX_LIMIT = 100;
    public static final int MAX_WINDOW = 10_000;
    public static final int MAX_FACET_SIZE = 100;

    /** A search by a user acting alone (no groups, no administrator rights). */
    public SearchFilesQuery(UserId caller, String text, SearchFilters filters, SortField sort, SortDirection direction,
                            int offset, int limit, SearchCursor cursor, Set<Facet> facets, int facetSize) {
        this(io.filestore.command.api.Actor.user(caller), text, filters, sort, direction, offset, limit, cursor, facets,
                facetSize);
    }

    public SearchFilesQuery {
        Objects.requireNonNull(caller, "caller");
        if (text != null) {
            text = text.strip();
            if (text.isEmpty()) {
                throw new InvalidValueException("q", "must not be blank");
            }
            if (text.length() > MAX_TEXT) {
                throw new InvalidValueException("q", "must be at most " + MAX_TEXT + " characters");
            }
        }
        filters = filters == null ? SearchFilters.NONE : filters;
        if (sort == null) {
            sort = text != null ? SortField.RELEVANCE : SortField.CREATED_AT;
        }
        if (sort == SortField.RELEVANCE && text == null) {
            throw new InvalidValueException("sort", "relevance needs a search text q");
        }
        direction = direction == null ? sort.defaultDirection() : direction;
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidValueException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        if (offset < 0 || offset + limit > MAX_WINDOW) {
            throw new InvalidValueException("offset", "must be between 0 and " + (MAX_WINDOW - limit)
                    + " with limit " + limit + "; page deeper with the cursor of the previous page");
        }
        if (cursor != null && offset != 0) {
            throw new InvalidValueException("offset", "cannot be combined with a cursor");
        }
        if (cursor != null && (cursor.sort() != sort || cursor.direction() != direction)) {
            throw new InvalidValueException("cursor", "belongs to another sort order");
        }
        facets = facets == null || facets.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(facets));
        if (facetSize < 1 || facetSize > MAX_FACET_SIZE) {
            throw new InvalidValueException("facetSize", "must be between 1 and " + MAX_FACET_SIZE);
        }
    }
}
