package io.filestore.query.search.api;

/** One value of a facet and how many matching files have it. */
public record FacetCount(String value, long count) {
}
