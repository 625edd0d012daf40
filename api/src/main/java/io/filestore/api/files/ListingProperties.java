package io.filestore.api.files;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code filestore.listing.*}: the plain listings ({@code GET /api/files}, {@code /api/trash},
 * {@code /api/files/shared}). {@code exact-total-limit} (default 10000) is how many files a listing's total is
 * counted exactly up to; a larger listing answers PostgreSQL's estimate with {@code totalExact: false}, so a page
 * never costs a count of an owner's million files. 0 counts nothing beyond telling an empty listing from another.
 */
@ConfigurationProperties("filestore.listing")
public record ListingProperties(@DefaultValue("10000") int exactTotalLimit) {

    public ListingProperties {
        if (exactTotalLimit < 0 || exactTotalLimit > 10_000_000) {
            throw new IllegalArgumentException("filestore.listing.exact-total-limit must be between 0 and 10000000");
        }
    }
}
