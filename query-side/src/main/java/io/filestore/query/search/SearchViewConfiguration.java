package io.filestore.query.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.filestore.query.search.api.SearchSettings;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Beans of the search view that are not components of their own. Errors in the search projection propagate, so a
 * failed batch is not skipped but retried by the processor (with its back-off, up to a minute apart) until
 * Elasticsearch takes it: an outage delays the index, it never loses a change.
 */
@Configuration(proxyBeanMethods = false)
public class SearchViewConfiguration {

    @Bean
    public FileIndex fileIndex(ElasticsearchClient client, SearchSettings settings) {
        return new FileIndex(client, settings);
    }

    @Bean
    public ConfigurerModule searchProcessingErrorHandling() {
        return configurer -> configurer.eventProcessing().registerListenerInvocationErrorHandler(
                SearchProjection.PROCESSING_GROUP, configuration -> PropagatingErrorHandler.instance());
    }
}
