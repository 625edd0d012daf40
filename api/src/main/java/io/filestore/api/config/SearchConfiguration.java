package io.filestore.api.config;

import io.filestore.query.search.api.SearchSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Hands the search view its Elasticsearch settings ({@code filestore.elasticsearch.*}). */
@Configuration(proxyBeanMethods = false)
public class SearchConfiguration {

    @Bean
    public SearchSettings searchSettings(ElasticsearchProperties properties) {
        return new SearchSettings(properties.url(), properties.indexPrefix(), properties.timeout());
    }
}
