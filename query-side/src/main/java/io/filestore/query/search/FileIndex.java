package io.filestore.query.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.indices.GetAliasResponse;
import co.elastic.clients.elasticsearch.indices.GetIndexResponse;
import co.elastic.clients.elasticsearch.indices.IndexState;
import co.elastic.clients.json.JsonData;
import io.filestore.command.api.FileId;
import io.filestore.query.search.api.SearchSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Elasticsearch side of the search view: versioned concrete indices {@code <prefix>-files-v<N>-<timestamp>},
 * the alias {@code <prefix>-files} that searches read, and the bulk writes of the projection. The mapping lives in
 * {@code search/files-index.json}; {@link #MAPPING_VERSION} must change with it, which makes the next start
 * rebuild the index by replay.
 */
public class FileIndex {

    /** The version of {@code search/files-index.json}; an index with an older one is rebuilt at start. */
    public static final int MAPPING_VERSION = 2;

    /** The periodic refresh of a serving index (as in files-index.json); searches see changes this late. */
    static final String REFRESH = "1s";

    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ElasticsearchClient client;
    private final String prefix;
    private final byte[] definition;

    public FileIndex(ElasticsearchClient client, SearchSettings settings) {
        this.client = client;
        this.prefix = settings.indexPrefix();
        this.definition = loadDefinition();
    }

    ElasticsearchClient client() {
        return client;
    }

    /** The alias every search reads. */
    public String alias() {
        return prefix + "-files";
    }

    /** The indices the alias currently points at (normally one; none before the first start). */
    List<String> aliasTargets() throws IOException {
        if (!client.indices().existsAlias(r -> r.name(alias())).value()) {
            return List.of();
        }
        GetAliasResponse response = client.indices().getAlias(r -> r.name(alias()));
        return List.copyOf(new TreeMap<>(response.result()).keySet());
    }

    /**
     * What an index records about itself in its mapping's {@code _meta}: the mapping version (0 when it has none),
     * the id of the event store it was built from (null when it has none) and whether it is still being built (a
     * rebuild's replay has not yet passed its target; such an index is incomplete).
     */
    record IndexMeta(int mappingVersion, String storeId, boolean building) {
    }

    /** Every concrete index of this prefix with its mapping version (0 when it has none). */
    Map<String, Integer> indices() throws IOException {
        Map<String, Integer> result = new TreeMap<>();
        describe().forEach((name, meta) -> result.put(name, meta.mappingVersion()));
        return result;
    }

    /** Every concrete index of this prefix with what it records about itself. */
    Map<String, IndexMeta> describe() throws IOException {
        GetIndexResponse response = client.indices().get(r -> r.index(prefix + "-files-v*")
                .allowNoIndices(true).ignoreUnavailable(true));
        Map<String, IndexMeta> result = new TreeMap<>();
        for (Map.Entry<String, IndexState> entry : response.result().entrySet()) {
            result.put(entry.getKey(), meta(entry.getValue()));
        }
        return result;
    }

    int mappingVersion(String index) throws IOException {
        return meta(index).mappingVersion();
    }

    IndexMeta meta(String index) throws IOException {
        GetIndexResponse response = client.indices().get(r -> r.index(index));
        IndexState state = response.result().get(index);
        return state == null ? new IndexMeta(0, null, false) : meta(state);
    }

    private static IndexMeta meta(IndexState state) {
        if (state.mappings() == null || state.mappings().meta() == null) {
            return new IndexMeta(0, null, false);
        }
        Map<String, JsonData> meta = state.mappings().meta();
        JsonData version = meta.get("mappingVersion");
        JsonData store = meta.get("storeId");
        JsonData building = meta.get("building");
        return new IndexMeta(version == null ? 0 : version.to(Integer.class),
                store == null ? null : store.to(String.class),
                building != null && Boolean.TRUE.equals(building.to(Boolean.class)));
    }

    /**
     * Creates a new, empty index with the current mapping, recording the event store it is built from and, for
     * {@code building}, that it is incomplete until {@link #markBuilt}. A {@code building} index that nothing serves
     * yet ({@code refreshing} false) does not refresh periodically (a rebuild's bulk writes go faster);
     * {@link #finishBuilding} turns refreshing back on.
     */
    String create(boolean building, boolean refreshing, String storeId) throws IOException {
        String name = prefix + "-files-v" + MAPPING_VERSION + "-"
                + SUFFIX.format(ZonedDateTime.now(ZoneOffset.UTC)) + "-" + ThreadLocalRandom.current().nextInt(100, 1000);
        ObjectNode body = (ObjectNode) JSON.readTree(definition);
        if (!refreshing) {
            ((ObjectNode) body.get("settings")).put("refresh_interval", "-1");
        }
        ObjectNode meta = (ObjectNode) body.get("mappings").get("_meta");
        meta.put("storeId", storeId);
        if (building) {
            meta.put("building", true);
        }
        byte[] json = JSON.writeValueAsBytes(body);
        client.indices().create(r -> r.index(name).withJson(new ByteArrayInputStream(json)));
        return name;
    }

    /** An index receiving a rebuild's replay: marked as being built, not refreshing periodically. */
    String create(boolean building, String storeId) throws IOException {
        return create(building, !building, storeId);
    }

    /** Records that {@code index} is complete (its replay passed its target): clears the building mark. */
    void markBuilt(String index, String storeId) throws IOException {
        client.indices().putMapping(r -> r.index(index)
                .meta("mappingVersion", JsonData.of(MAPPING_VERSION))
                .meta("storeId", JsonData.of(storeId)));
    }

    /** Points the alias at {@code index} (used when there is nothing to keep serving). */
    void addAlias(String index) throws IOException {
        client.indices().updateAliases(r -> r.actions(a -> a.add(add -> add.index(index).alias(alias()))));
    }

    /** Moves the alias from {@code from} to {@code to} in one atomic step: searches never see no index. */
    void swapAlias(Collection<String> from, String to) throws IOException {
        client.indices().updateAliases(r -> {
            for (String old : from) {
                r.actions(a -> a.remove(remove -> remove.index(old).alias(alias())));
            }
            return r.actions(a -> a.add(add -> add.index(to).alias(alias())));
        });
    }

    /** Restores periodic refreshing of a built index and makes everything written so far searchable. */
    void finishBuilding(String index) throws IOException {
        client.indices().putSettings(r -> r.index(index).settings(s -> s.refreshInterval(t -> t.time(REFRESH))));
        refresh(index);
    }

    void refresh(String indexOrAlias) throws IOException {
        client.indices().refresh(r -> r.index(indexOrAlias));
    }

    /** Deletes the index; one that is already gone (deleted meanwhile by another instance or a swap) is no error. */
    void delete(String index) throws IOException {
        try {
            client.indices().delete(r -> r.index(index).ignoreUnavailable(true));
        } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }

    /**
     * The Elasticsearch version of the file's document (its aggregate sequence + 1), read in real time (no refresh
     * needed), or -1 when the index holds no document of the file.
     */
    long version(String index, FileId fileId) throws IOException {
        GetResponse<Void> response = client.get(r -> r.index(index).id(fileId.value()).source(s -> s.fetch(false))
                .realtime(true), Void.class);
        return response.found() && response.version() != null ? response.version() : -1;
    }

    /**
     * Writes the final state of each file of a batch: an index of the document, or a delete, each guarded by the
     * external version {@code sequence + 1} so that a replayed or retried older state never overwrites a newer one
     * (Elasticsearch answers such a write with a version conflict, which means "already newer" here).
     *
     * @return the documents Elasticsearch refused as such (status 400: the document, not the cluster, is at fault),
     *         by file id, with the reason; the other documents are written
     * @throws IOException when Elasticsearch cannot be reached or refused a write for another reason
     */
    Map<String, String> write(String index, Collection<FileState> states) throws IOException {
        if (states.isEmpty()) {
            return Map.of();
        }
        List<BulkOperation> operations = new ArrayList<>(states.size());
        for (FileState state : states) {
            String id = state.fileId().value();
            long version = state.sequence() + 1;
            if (state.live()) {
                FileDocument document = state.toDocument();
                operations.add(BulkOperation.of(op -> op.index(i -> i.index(index).id(id).document(document)
                        .version(version).versionType(VersionType.ExternalGte))));
            } else {
                operations.add(BulkOperation.of(op -> op.delete(d -> d.index(index).id(id)
                        .version(version).versionType(VersionType.ExternalGte))));
            }
        }
        BulkResponse response = client.bulk(r -> r.operations(operations));
        Map<String, String> refused = new LinkedHashMap<>();
        if (response.errors()) {
            for (BulkResponseItem item : response.items()) {
                if (item.error() == null || item.status() == 409 || item.status() == 404) {
                    continue;
                }
                String reason = "Elasticsearch refused " + item.operationType() + " of file " + item.id() + " ("
                        + item.status() + "): " + item.error().type() + " " + item.error().reason();
                if (item.status() != 400) {
                    throw new IndexWriteException(reason);
                }
                refused.put(item.id(), reason);
            }
        }
        return refused;
    }

    /** Whether an Elasticsearch error means "no such index or alias". */
    static boolean isMissingIndex(ElasticsearchException e) {
        return e.status() == 404 && e.error() != null && "index_not_found_exception".equals(e.error().type());
    }

    private static byte[] loadDefinition() {
        try (InputStream in = FileIndex.class.getResourceAsStream("/search/files-index.json")) {
            if (in == null) {
                throw new IllegalStateException("search/files-index.json is missing from the class path");
            }
            byte[] bytes = in.readAllBytes();
            JsonNode version = JSON.readTree(bytes).path("mappings").path("_meta").path("mappingVersion");
            if (version.asInt(-1) != MAPPING_VERSION) {
                throw new IllegalStateException("search/files-index.json declares mapping version "
                        + version.asInt(-1) + " but FileIndex.MAPPING_VERSION is " + MAPPING_VERSION);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A bulk item failed for another reason than "a newer version is already there". */
    static final class IndexWriteException extends IOException {
        IndexWriteException(String message) {
            super(message);
        }
    }
}
