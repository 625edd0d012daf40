package io.filestore.api.search;

import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.Caller;
import io.filestore.api.web.QueryParameters;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/files/search?q=...}: full-text search over the caller's files with relevance, highlights,
 * filters, sort, paging and facets (see {@link SearchRequest} and the README). 503 with {@code Retry-After} when
 * Elasticsearch is unreachable.
 */
@RestController
class SearchController {

    private final FileSearch search;

    SearchController(FileSearch search) {
        this.search = search;
    }

    @GetMapping("/api/files/search")
    @QueryParameters({"q", "tags", "folder", "recursive", "mimeType", "minSize", "maxSize", "createdAfter",
            "createdBefore", "updatedAfter", "updatedBefore", "owner", "sort", "cursor", "facets", "facetSize",
            "offset", "limit"})
    public ApiResponse<Map<String, Object>> search(Caller caller, HttpServletRequest request) {
        return ApiResponse.ok(search.search(caller.actor(), request));
    }
}
