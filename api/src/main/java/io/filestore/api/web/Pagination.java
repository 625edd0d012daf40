package io.filestore.api.web;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code pagination} object of list answers: {@code offset}, {@code limit}, {@code total} (when known) and
 * {@code hasMore}, as {@code GET /api/files} answers it.
 */
public final class Pagination {

    private Pagination() {
    }

    /** A page of a list with a known total. */
    public static Map<String, Object> of(int offset, int limit, long total, int returned) {
        Map<String, Object> pagination = new LinkedHashMap<>();
        pagination.put("offset", offset);
        pagination.put("limit", limit);
        pagination.put("total", total);
        pagination.put("hasMore", offset + returned < total);
        return pagination;
    }

    /** A page of a list whose total is not counted: whether more follow. */
    public static Map<String, Object> of(int offset, int limit, boolean hasMore) {
        Map<String, Object> pagination = new LinkedHashMap<>();
        pagination.put("offset", offset);
        pagination.put("limit", limit);
        pagination.put("hasMore", hasMore);
        return pagination;
    }

    /** A list that is always answered whole (bounded by its own limit). */
    public static Map<String, Object> whole(int count) {
        return of(0, count, count, count);
    }
}
