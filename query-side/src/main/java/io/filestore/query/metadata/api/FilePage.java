package io.filestore.query.metadata.api;

import java.util.List;

/**
 * A page of files and the number of files matching the query: exact when {@code totalExact}, otherwise an estimate
 * (a listing larger than its exact-count limit). {@code next} is where the following page starts, or null when this
 * page is the last.
 */
public record FilePage(List<FileView> files, long total, boolean totalExact, ListingPosition next) {

    /** A page with an exact total whose callers page by offset and total alone. */
    public FilePage(List<FileView> files, long total) {
        this(files, total, true, null);
    }
}
