package io.filestore.api.search;

import static io.filestore.api.web.QueryAnswers.join;

import io.filestore.api.files.FileResponse;
import io.filestore.command.api.FilePermissions;
import io.filestore.command.api.UserId;
import io.filestore.query.metadata.api.FileGrants;
import io.filestore.query.metadata.api.FileGrantsQuery;
import io.filestore.query.search.api.Facet;
import io.filestore.query.search.api.FacetCount;
import io.filestore.query.search.api.FileHit;
import io.filestore.query.search.api.SearchFilesQuery;
import io.filestore.query.search.api.SearchPage;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.stereotype.Component;

/**
 * Searches and filtered listings through the search view, shaped as API answers: {@code files} (the seed's file
 * shape; search hits add {@code score} and {@code highlights}), {@code pagination} ({@code offset}, {@code limit},
 * {@code total}, {@code totalRelation} "eq" or "gte" past 10,000 matches, {@code hasMore}, {@code nextCursor})
 * and, when asked for, {@code facets}.
 */
@Component
public class FileSearch {

    private final QueryGateway queries;

    public FileSearch(QueryGateway queries) {
        this.queries = queries;
    }

    /** Whether {@code GET /api/files} must be answered from the search index (it carries filters, sort, cursor). */
    public boolean wantsIndex(HttpServletRequest request) {
        return SearchRequest.wantsIndex(request);
    }

    /** {@code GET /api/files} with filters: the listing from the index. */
    public Map<String, Object> list(io.filestore.command.api.Actor caller, HttpServletRequest request) {
        HttpServletRequest scoped = CursorScope.apply(request);
        return answer(SearchRequest.of(scoped, false).toQuery(caller), scoped);
    }

    /** {@code GET /api/files/search}: full text (q required) with the same filters. */
    public Map<String, Object> search(io.filestore.command.api.Actor caller, HttpServletRequest request) {
        HttpServletRequest scoped = CursorScope.apply(request);
        return answer(SearchRequest.of(scoped, true).toQuery(caller), scoped);
    }

    private Map<String, Object> answer(SearchFilesQuery query, HttpServletRequest request) {
        SearchPage page = join(queries.query(query, SearchPage.class));
        Map<String, Object> body = new LinkedHashMap<>();
        if (query.text() != null) {
            body.put("query", query.text());
        }
        FileGrants grants = page.hits().isEmpty() ? new FileGrants(Map.of())
                : join(queries.query(new FileGrantsQuery(page.hits().stream().map(FileHit::fileId).toList()),
                        FileGrants.class));
        body.put("files", page.hits().stream().map(hit -> {
            FilePermissions filePermissions = new FilePermissions(hit.owner(), grants.of(hit.fileId()));
            FileResponse.PermissionsResponse permissions = FileResponse.PermissionsResponse.of(filePermissions);
            String url = io.filestore.api.files.FileUrls.of(hit.fileId(), hit.version(), filePermissions);
            return query.text() != null ? searchHit(hit, permissions, url) : file(hit, permissions, url);
        }).toList());
        Map<String, Object> pagination = new LinkedHashMap<>();
        if (query.cursor() == null) {
            pagination.put("offset", query.offset());
        }
        pagination.put("limit", query.limit());
        pagination.put("total", page.total());
        pagination.put("totalRelation", page.totalExact() ? "eq" : "gte");
        pagination.put("hasMore", page.next() != null);
        if (page.next() != null) {
            pagination.put("nextCursor", CursorScope.encode(request, page.next().encode()));
        }
        pagination.put("sort", query.sort().parameter() + ":" + query.direction().name().toLowerCase(java.util.Locale.ROOT));
        body.put("pagination", pagination);
        if (!query.facets().isEmpty()) {
            Map<String, List<FacetCount>> facets = new LinkedHashMap<>();
            for (Facet facet : Facet.values()) {
                if (query.facets().contains(facet)) {
                    facets.put(facet.parameter(), page.facets().getOrDefault(facet, List.of()));
                }
            }
            body.put("facets", facets);
        }
        return body;
    }

    static FileResponse file(FileHit hit, FileResponse.PermissionsResponse permissions, String url) {
        return new FileResponse(hit.fileId().value(), hit.name().value(), hit.size(), hit.mediaType().value(),
                hit.contentUpdatedAt(), hit.createdAt(), hit.updatedAt(), hit.version(), hit.blobId().checksum(),
                metadata(hit), hit.owner().value(), url, null,
                permissions);
    }

    static SearchHitResponse searchHit(FileHit hit, FileResponse.PermissionsResponse permissions, String url) {
        return new SearchHitResponse(hit.fileId().value(), hit.name().value(), hit.size(), hit.mediaType().value(),
                hit.contentUpdatedAt(), hit.createdAt(), hit.updatedAt(), hit.version(), hit.blobId().checksum(),
                metadata(hit), hit.owner().value(), url,
                permissions, hit.score(), hit.highlights());
    }

    private static FileResponse.MetadataResponse metadata(FileHit hit) {
        return new FileResponse.MetadataResponse(hit.metadata().description(), hit.metadata().tags(),
                hit.metadata().folder(), hit.metadata().attributes());
    }

    /** A search hit: the file as everywhere else, its relevance score and its highlighted matches. */
    public record SearchHitResponse(String fileId, String name, long size, String mimeType, Instant uploadedAt,
                                    Instant createdAt, Instant updatedAt, int version, String checksum,
                                    FileResponse.MetadataResponse metadata, String owner, String url,
                                    FileResponse.PermissionsResponse permissions, Double score,
                                    Map<String, List<String>> highlights) {
    }
}
