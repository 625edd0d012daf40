package io.filestore.query.search;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Operator;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.search.HighlighterEncoder;
import co.elastic.clients.json.JsonData;
import io.filestore.query.search.api.Facet;
import io.filestore.query.search.api.SearchCursor;
import io.filestore.query.search.api.SearchFilesQuery;
import io.filestore.query.search.api.SearchFilters;
import io.filestore.query.search.api.SortDirection;
import io.filestore.query.search.api.SortField;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates a {@link SearchFilesQuery} into an Elasticsearch search. Every search is filtered on the caller's
 * principals ({@code readers}); the other filters are non-scoring {@code filter} clauses (cached by
 * Elasticsearch). Full text is matched on the name words (all words, typo-tolerant from 5 letters with the first
 * letter fixed, the last word also as a prefix for search-as-you-type, whole phrase boosted) and on the combined
 * name/description/tag words; name matches weigh 4x/3x/2x a match elsewhere, so they rank first. One hit more
 * than the page is fetched to know whether another page follows.
 */
final class SearchRequests {

    static final String FUZZINESS = "AUTO:5,8";
    static final int PREFIX_LENGTH = 1;
    static final int DESCRIPTION_FRAGMENT = 150;
    private static final List<String> INTERNAL_FIELDS = List.of("content", "nameText", "folderAncestors",
            "readers");

    private SearchRequests() {
    }

    static SearchRequest build(String alias, SearchFilesQuery query) {
        SearchRequest.Builder request = new SearchRequest.Builder()
                .index(alias)
                .size(pageSize(query))
                .query(query(query))
                .sort(sort(query.sort(), query.direction()))
                .source(s -> s.filter(f -> f.excludes(INTERNAL_FIELDS)));
        if (query.cursor() != null) {
            request.searchAfter(searchAfter(query.cursor()));
        } else {
            request.from(query.offset());
        }
        for (Facet facet : query.facets()) {
            request.aggregations(facet.parameter(), a -> a.terms(t -> t.field(facetField(facet))
                    .size(query.facetSize())));
        }
        if (query.text() != null) {
            highlight(request, query.text());
        }
        return request.build();
    }

    static String facetField(Facet facet) {
        return switch (facet) {
            case TAGS -> "tags.lc";
            case MIME_TYPE -> "mimeType";
            case FOLDER -> "folder";
        };
    }

    private static Query query(SearchFilesQuery query) {
        return Query.of(q -> q.bool(b -> {
            if (!query.caller().systemAdmin()) {
                List<FieldValue> principals = Readers.principalsOf(query.caller()).stream().map(FieldValue::of).toList();
                b.filter(f -> f.bool(access -> access.minimumShouldMatch("1")
                        .should(s -> s.terms(t -> t.field("readers").terms(v -> v.value(principals))))
                        .should(s -> s.nested(n -> n.path("timedReaders").query(nq -> nq.bool(nb -> nb
                                .filter(x -> x.terms(t -> t.field("timedReaders.principal").terms(v -> v.value(principals))))
                                .filter(x -> x.range(r -> r.date(d -> d.field("timedReaders.until").gt("now"))))))))));
            }
            filters(query.filters()).forEach(b::filter);
            if (query.text() != null) {
                b.must(text(query.text()));
            }
            return b;
        }));
    }

    private static Query text(String text) {
        String words = String.join(" ", Words.of(text));
        return Query.of(q -> q.bool(b -> b
                .should(s -> s.match(m -> m.field("nameText").query(words).operator(Operator.And)
                        .fuzziness(FUZZINESS).prefixLength(PREFIX_LENGTH).boost(4f)))
                .should(s -> s.matchBoolPrefix(m -> m.field("nameText").query(words).operator(Operator.And)
                        .fuzziness(FUZZINESS).prefixLength(PREFIX_LENGTH).boost(3f)))
                .should(s -> s.matchPhrase(m -> m.field("nameText").query(words).boost(2f)))
                .should(s -> s.match(m -> m.field("content").query(words).operator(Operator.And)
                        .fuzziness(FUZZINESS).prefixLength(PREFIX_LENGTH)))
                .minimumShouldMatch("1")));
    }

    static List<Query> filters(SearchFilters filters) {
        List<Query> result = new ArrayList<>();
        for (String tag : filters.tags()) {
            result.add(Query.of(q -> q.term(t -> t.field("tags.lc").value(tag))));
        }
        if (filters.folder() != null && !(filters.recursive() && filters.folder().equals("/"))) {
            String field = filters.recursive() ? "folderAncestors" : "folder";
            result.add(Query.of(q -> q.term(t -> t.field(field).value(filters.folder()))));
        }
        if (filters.mimeType() != null) {
            String prefix = filters.mimeTypePrefix();
            result.add(prefix != null
                    ? Query.of(q -> q.prefix(p -> p.field("mimeType").value(prefix)))
                    : Query.of(q -> q.term(t -> t.field("mimeType").value(filters.mimeType()))));
        }
        if (filters.minSize() != null || filters.maxSize() != null) {
            result.add(Query.of(q -> q.range(r -> r.untyped(u -> {
                u.field("size");
                if (filters.minSize() != null) {
                    u.gte(JsonData.of(filters.minSize()));
                }
                if (filters.maxSize() != null) {
                    u.lte(JsonData.of(filters.maxSize()));
                }
                return u;
            }))));
        }
        dateRange(result, "createdAt", filters.createdAfter(), filters.createdBefore());
        dateRange(result, "updatedAt", filters.updatedAfter(), filters.updatedBefore());
        if (filters.owner() != null) {
            result.add(Query.of(q -> q.term(t -> t.field("owner").value(filters.owner().value()))));
        }
        return result;
    }

    private static void dateRange(List<Query> result, String field, java.time.Instant from,
                                  java.time.Instant before) {
        if (from == null && before == null) {
            return;
        }
        result.add(Query.of(q -> q.range(r -> r.date(d -> {
            d.field(field);
            if (from != null) {
                d.gte(from.toString());
            }
            if (before != null) {
                d.lt(before.toString());
            }
            return d;
        }))));
    }

    static List<SortOptions> sort(SortField field, SortDirection direction) {
        SortOrder order = direction == SortDirection.ASC ? SortOrder.Asc : SortOrder.Desc;
        SortOptions primary = switch (field) {
            case RELEVANCE -> SortOptions.of(s -> s.score(sc -> sc.order(order)));
            case NAME -> SortOptions.of(s -> s.field(f -> f.field("name").order(order)));
            case SIZE -> SortOptions.of(s -> s.field(f -> f.field("size").order(order)));
            case CREATED_AT -> SortOptions.of(s -> s.field(f -> f.field("createdAt").order(order)));
            case UPDATED_AT -> SortOptions.of(s -> s.field(f -> f.field("updatedAt").order(order)));
        };
        return List.of(primary, SortOptions.of(s -> s.field(f -> f.field("fileId").order(SortOrder.Asc))));
    }

    private static List<FieldValue> searchAfter(SearchCursor cursor) {
        FieldValue value;
        if (cursor.value() instanceof Double d) {
            value = FieldValue.of(d);
        } else if (cursor.value() instanceof Long l) {
            value = FieldValue.of(l);
        } else {
            value = FieldValue.of((String) cursor.value());
        }
        return List.of(value, FieldValue.of(cursor.after().value()));
    }

    /**
     * Highlights description matches (typo-tolerant like the search); names are highlighted by
     * {@link Highlights}, which is much cheaper than Elasticsearch's fuzzy and prefix highlighting.
     */
    private static void highlight(SearchRequest.Builder request, String text) {
        Query descriptionHighlight = Query.of(q -> q.match(m -> m.field("description").query(text)
                .fuzziness(FUZZINESS).prefixLength(PREFIX_LENGTH)));
        request.highlight(h -> h.encoder(HighlighterEncoder.Html).preTags("<em>").postTags("</em>")
                .fields("description", f -> f.fragmentSize(DESCRIPTION_FRAGMENT).numberOfFragments(3)
                        .highlightQuery(descriptionHighlight)));
    }

    /**
     * One more hit than the page holds (to know whether another page follows), except at the end of
     * Elasticsearch's result window ({@code from + size <= 10,000}), where asking for it would be refused.
     */
    static int pageSize(SearchFilesQuery query) {
        if (query.cursor() != null) {
            return query.limit() + 1;
        }
        return Math.min(query.limit() + 1, SearchFilesQuery.MAX_WINDOW - query.offset());
    }
}
