package io.filestore.api.config;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code filestore.elasticsearch.*}: where the search index lives. */
@ConfigurationProperties("filestore.elasticsearch")
public record ElasticsearchProperties(
        @DefaultValue("http://127.0.0.1:9200") URI url,
        @DefaultValue("filestore") String indexPrefix,
        @DefaultValue("5s") Duration timeout) {
}
