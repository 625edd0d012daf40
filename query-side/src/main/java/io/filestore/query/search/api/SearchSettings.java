package io.filestore.query.search.api;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the search index lives: the Elasticsearch base URL, the prefix of every index and alias name this service
 * owns ({@code <prefix>-files} is the alias searches read), and the connect/response timeout of each request.
 */
public record SearchSettings(URI url, String indexPrefix, Duration timeout) {

    public SearchSettings {
        Objects.requireNonNull(url, "url");
        if (indexPrefix == null || !indexPrefix.matches("[a-z0-9][a-z0-9_\\-]{0,100}")) {
            throw new IllegalArgumentException("filestore.elasticsearch.index-prefix must be 1-101 lowercase letters, "
                    + "digits, '-' or '_', got '" + indexPrefix + "'");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("filestore.elasticsearch.timeout must be positive");
        }
    }
}
