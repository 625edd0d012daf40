package io.filestore.query.history.api;

import io.filestore.command.api.Actor;
import io.filestore.query.search.api.SearchFilters;
import io.filestore.query.search.api.SortDirection;
import io.filestore.query.search.api.SortField;
import java.time.Instant;

/**
 * The caller's own files as they were at {@code at} (outside the trash then, not purged since) that matched
 * {@code filters} then (tags, folder, media type, size and dates as the file was at {@code at}; {@code owner} is
 * ignored), in the order of {@code sort} ({@code null} or {@link SortField#RELEVANCE}: newest created first) and
 * {@code direction} ({@code null}: the field's default). Answers a {@link io.filestore.query.metadata.api.FilePage}.
 */
public record ListFilesAsOfQuery(Actor caller, Instant at, SearchFilters filters, SortField sort,
                                 SortDirection direction, int offset, int limit) {

    public ListFilesAsOfQuery {
        filters = filters == null ? SearchFilters.NONE : filters;
    }
}
