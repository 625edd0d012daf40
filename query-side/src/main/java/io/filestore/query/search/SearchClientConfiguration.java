package io.filestore.query.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.filestore.query.search.api.SearchSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Elasticsearch client of the search view, built from the {@link SearchSettings} the application provides;
 * its connection pool is closed when the application stops.
 */
@Configuration(proxyBeanMethods = false)
public class SearchClientConfiguration {

    @Bean(destroyMethod = "close")
    public ElasticsearchClient searchElasticsearchClient(SearchSettings settings) {
        return ElasticsearchClients.create(settings);
    }
}
