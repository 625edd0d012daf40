package io.filestore.query.metadata.api;

/**
 * Which page of a listing to answer: the files after {@code after} (a keyset position from the previous page) or,
 * for clients that page by number, the files from {@code offset} on (each page then reads and skips every file
 * before it, so deep offsets are slow); never both. {@code exactTotalLimit} is how many files the total is counted
 * exactly up to: beyond it the total is PostgreSQL's estimate, because counting an owner's million files would cost
 * more than the page itself.
 */
public record ListingPaging(int offset, ListingPosition after, int limit, int exactTotalLimit) {

    public ListingPaging {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
        if (after != null && offset != 0) {
            throw new IllegalArgumentException("a page is either after a position or at an offset, not both");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        if (exactTotalLimit < 0) {
            throw new IllegalArgumentException("exactTotalLimit must not be negative");
        }
    }

    /** The first {@code limit} files. */
    public static ListingPaging first(int limit, int exactTotalLimit) {
        return new ListingPaging(0, null, limit, exactTotalLimit);
    }
}
