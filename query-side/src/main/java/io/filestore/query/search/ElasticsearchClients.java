package io.filestore.query.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.Jackson3JsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.filestore.query.search.api.SearchSettings;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the Elasticsearch client: the low-level REST client (Apache async HTTP, pooled keep-alive connections)
 * with the configured connect and response timeout, and the Jackson 3 mapper. The client is thread-safe; one
 * serves the whole application.
 */
public final class ElasticsearchClients {

    /** Connections to Elasticsearch kept open at most (the REST client's pool). */
    static final int MAX_CONNECTIONS = 32;

    private ElasticsearchClients() {
    }

    public static ElasticsearchClient create(SearchSettings settings) {
        int timeout = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
        RestClient rest = RestClient.builder(HttpHost.create(settings.url().toString()))
                .setRequestConfigCallback(config -> config.setConnectTimeout(timeout).setSocketTimeout(timeout)
                        .setConnectionRequestTimeout(timeout))
                .setHttpClientConfigCallback(http -> http.setMaxConnTotal(MAX_CONNECTIONS)
                        .setMaxConnPerRoute(MAX_CONNECTIONS))
                .build();
        JsonMapper mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
                .build();
        return new ElasticsearchClient(new RestClientTransport(rest, new Jackson3JsonpMapper(mapper)));
    }
}
