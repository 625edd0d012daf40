package io.filestore.query.search;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregate;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.elasticsearch.core.search.TotalHits;
import co.elastic.clients.elasticsearch.core.search.TotalHitsRelation;
import co.elastic.clients.transport.TransportException;
import io.filestore.command.api.BlobId;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileName;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.UserId;
import io.filestore.query.search.api.Facet;
import io.filestore.query.search.api.FacetCount;
import io.filestore.query.search.api.FileHit;
import io.filestore.query.search.api.SearchCursor;
import io.filestore.query.search.api.SearchFilesQuery;
import io.filestore.query.search.api.SearchPage;
import io.filestore.query.search.api.SearchUnavailableException;
import io.filestore.query.search.api.SortField;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

/**
 * Answers searches from the Elasticsearch alias. Searches never refresh the index (a writer waiting for its own
 * change does, see {@link IndexVisibility}). Elasticsearch being unreachable or failing is a
 * {@link SearchUnavailableException}.
 */
@Component
public class SearchQueryHandler {

    private final FileIndex index;
    private final SearchIndexManager manager;

    public SearchQueryHandler(FileIndex index, SearchIndexManager manager) {
        this.index = index;
        this.manager = manager;
    }

    @QueryHandler
    public SearchPage handle(SearchFilesQuery query) {
        try {
            SearchResponse<FileDocument> response;
            try {
                response = search(query);
            } catch (ElasticsearchException e) {
                if (!FileIndex.isMissingIndex(e)) {
                    throw e;
                }
                manager.ensureReady(); // the alias is created lazily when Elasticsearch was down at start
                response = search(query);
            }
            manager.healthy(true);
            return page(query, response);
        } catch (TransportException e) {
            if (e.statusCode() >= 200 && e.statusCode() < 300) {
                throw new IllegalStateException("cannot read Elasticsearch's search answer: " + e.getMessage(), e);
            }
            manager.healthy(false);
            throw new SearchUnavailableException("search is unavailable: " + e.getMessage(), e);
        } catch (IOException e) {
            manager.healthy(false);
            throw new SearchUnavailableException("search is unavailable: " + e.getMessage(), e);
        } catch (ElasticsearchException e) {
            if (e.status() >= 500 || e.status() == 429 || FileIndex.isMissingIndex(e)) {
                throw new SearchUnavailableException("search is unavailable: " + e.getMessage(), e);
            }
            throw new IllegalStateException("Elasticsearch rejected a search: " + e.getMessage(), e);
        }
    }

    private SearchResponse<FileDocument> search(SearchFilesQuery query) throws IOException {
        return index.client().search(SearchRequests.build(index.alias(), query), FileDocument.class);
    }

    private static SearchPage page(SearchFilesQuery query, SearchResponse<FileDocument> response) {
        List<Hit<FileDocument>> hits = response.hits().hits();
        TotalHits total = response.hits().total();
        boolean atWindowEnd = SearchRequests.pageSize(query) <= query.limit();
        boolean more = hits.size() > query.limit() || (atWindowEnd && hits.size() == query.limit() && total != null
                && (total.relation() != TotalHitsRelation.Eq || total.value() > (long) query.offset() + query.limit()));
        List<FileHit> files = new ArrayList<>(Math.min(hits.size(), query.limit()));
        for (int i = 0; i < hits.size() && i < query.limit(); i++) {
            files.add(hit(hits.get(i), query.sort() == SortField.RELEVANCE, query.text()));
        }
        SearchCursor next = more ? cursor(query, hits.get(query.limit() - 1)) : null;
        long count = total == null ? files.size() : total.value();
        boolean exact = total == null || total.relation() == TotalHitsRelation.Eq;
        Map<Facet, List<FacetCount>> facets = new EnumMap<>(Facet.class);
        for (Facet facet : query.facets()) {
            Aggregate aggregate = response.aggregations().get(facet.parameter());
            List<FacetCount> counts = new ArrayList<>();
            if (aggregate != null && aggregate.isSterms()) {
                for (StringTermsBucket bucket : aggregate.sterms().buckets().array()) {
                    counts.add(new FacetCount(bucket.key().stringValue(), bucket.docCount()));
                }
            }
            facets.put(facet, counts);
        }
        return new SearchPage(files, count, exact, next, facets);
    }

    private static SearchCursor cursor(SearchFilesQuery query, Hit<FileDocument> last) {
        List<FieldValue> sort = last.sort();
        FieldValue primary = sort.get(0);
        Object value = switch (query.sort()) {
            case RELEVANCE -> primary.isDouble() ? primary.doubleValue() : (double) primary.longValue();
            case NAME -> primary.isString() ? primary.stringValue() : primary._toJsonString();
            case SIZE, CREATED_AT, UPDATED_AT -> primary.longValue();
        };
        return new SearchCursor(query.sort(), query.direction(), value, new FileId(sort.get(1).stringValue()));
    }

    private static FileHit hit(Hit<FileDocument> hit, boolean scored, String text) {
        FileDocument doc = hit.source();
        FileName name = new FileName(doc.name());
        Map<String, List<String>> highlights = new LinkedHashMap<>();
        String highlighted = text == null ? null : Highlights.name(name.value(), text);
        if (highlighted != null) {
            highlights.put("name", List.of(highlighted));
        }
        List<String> description = hit.highlight().get("description");
        if (description != null && !description.isEmpty()) {
            highlights.put("description", description);
        }
        return new FileHit(new FileId(doc.fileId()), new UserId(doc.owner()), name, new MediaType(doc.mediaType()),
                doc.size(), new BlobId(doc.sha256()), doc.version(),
                new FileMetadata(doc.description(), doc.tags(), doc.folder(), doc.attributes()),
                Instant.parse(doc.createdAt()), Instant.parse(doc.updatedAt()), Instant.parse(doc.contentUpdatedAt()),
                scored && hit.score() != null ? hit.score() : null, highlights);
    }
}
