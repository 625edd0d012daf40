package io.filestore.query.search.api;

import java.util.List;
import java.util.Map;

/**
 * One page of a search. {@code total} counts matching files exactly up to 10,000; beyond that {@code totalExact}
 * is false and {@code total} is a lower bound. {@code next} is the cursor of the following page, null on the last.
 */
public record SearchPage(List<FileHit> hits, long total, boolean totalExact, SearchCursor next,
                         Map<Facet, List<FacetCount>> facets) {
}
