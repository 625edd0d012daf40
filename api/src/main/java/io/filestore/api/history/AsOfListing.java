package io.filestore.api.history;

import io.filestore.api.search.SearchRequest;
import io.filestore.api.web.BadRequestException;
import io.filestore.api.web.Caller;
import io.filestore.query.search.api.SearchFilters;
import io.filestore.query.search.api.SortDirection;
import io.filestore.query.search.api.SortField;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The filters and order of an {@code asOf} listing, read and validated exactly as the present listing's
 * ({@link SearchRequest}): {@code tags}, {@code folder}, {@code recursive}, {@code mimeType}, {@code minSize},
 * {@code maxSize}, {@code createdAfter|Before}, {@code updatedAfter|Before}, {@code sort}; {@code owner} may only
 * name the caller (the listing is the caller's own files) and there is no relevance without search text.
 */
record AsOfListing(SearchFilters filters, SortField sort, SortDirection direction) {

    static AsOfListing parse(HttpServletRequest request, Caller caller) {
        SearchRequest parsed = SearchRequest.of(request, false);
        if (parsed.owner() != null && !parsed.owner().equals(caller.userId())) {
            throw new BadRequestException("owner", "with asOf, the listing is the caller's own files");
        }
        if (parsed.sort() == SortField.RELEVANCE) {
            throw new BadRequestException("sort", "with asOf use name, size, createdAt or updatedAt");
        }
        return new AsOfListing(parsed.filters(), parsed.sort(), parsed.direction());
    }
}
