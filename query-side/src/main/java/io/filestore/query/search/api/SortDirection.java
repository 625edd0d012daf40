package io.filestore.query.search.api;

/** Ascending or descending. */
public enum SortDirection {
    ASC, DESC
}
