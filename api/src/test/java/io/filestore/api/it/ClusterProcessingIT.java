package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Two instances on one database of their own, one index prefix and one shared data directory, with segment
 * balancing on, as behind a load balancer without sticky sessions: the processors' segments split between them;
 * a write through one is seen at once by a read through the other (by id, in the listing and in search), file after
 * file, whichever instance processes the file's segment; and when one is killed with -9 the other takes over every
 * segment and serves new writes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterProcessingIT {

    /** Generous: claims expire after 10 s and the processors look every 2 s; this only bounds a hang. */
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String A = "cluster-a";
    private static final String B = "cluster-b";

    private String databaseUrl;
    private String indexPrefix;
    private RunningApp a;
    private RunningApp b;
    private final String user = "cl-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String> written = new ArrayList<>();

    @BeforeAll
    void startTwoInstances() {
        databaseUrl = TestServices.databaseUrl("cluster_it");
        indexPrefix = io.filestore.testsupport.TestServicesSource.services().indexPrefix() + "-cluster";
        TestServices.recreateDatabase(databaseUrl);
        TestServices.deleteIndices(indexPrefix);
        Path shared = Paths.get("target", "it-cluster-data").toAbsolutePath();
        a = RunningApp.clusterMember(A, shared, true, environment(A));
        b = RunningApp.clusterMember(B, shared, false, environment(B));
    }

    private Map<String, String> environment(String id) {
        Map<String, String> environment = new HashMap<>();
        environment.put("FILESTORE_DB_URL", databaseUrl);
        environment.put("FILESTORE_ELASTICSEARCH_INDEX_PREFIX", indexPrefix);
        environment.put("FILESTORE_INSTANCE_ID", id);
        environment.put("FILESTORE_CLUSTER_BALANCE_SEGMENTS", "true");
        environment.put("FILESTORE_CLUSTER_BALANCE_INTERVAL", "2s");
        environment.put("FILESTORE_DB_POOL_SIZE", "8");
        return environment;
    }

    @AfterAll
    void stopAndDrop() throws Exception {
        for (RunningApp app : new RunningApp[] {a, b}) {
            if (app != null) {
                app.stop();
            }
        }
        String name = databaseUrl.substring(databaseUrl.lastIndexOf('/') + 1);
        try (Connection connection = TestServices.connect(
                io.filestore.testsupport.TestServicesSource.services().jdbcUrl());
             Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
        TestServices.deleteIndices(indexPrefix);
    }

    @Test
    @Order(1)
    void theSegmentsOfEachProcessorSplitBetweenTheTwoInstances() {
        Await.isTrue(() -> {
            JsonNode cluster = cluster(a);
            if (cluster.get("liveInstances").size() != 2) {
                return false;
            }
            for (JsonNode processor : cluster.get("processors")) {
                Map<String, Integer> owned = owners(processor);
                int segments = processor.get("segments").size();
                if (owned.getOrDefault(null, 0) > 0) {
                    return false; // a segment no live instance processes
                }
                if (segments >= 2 && (owned.getOrDefault(A, 0) != segments / 2
                        || owned.getOrDefault(B, 0) != segments / 2)) {
                    return false;
                }
            }
            return cluster.get("processors").size() > 0;
        }, WAIT, "every processor's segments split evenly between " + A + " and " + B);

        JsonNode fromB = cluster(b);
        assertThat(fromB.get("instance").asString()).isEqualTo(B);
        assertThat(fromB.get("listening").asBoolean()).isTrue();
        List<String> live = new ArrayList<>();
        fromB.get("liveInstances").forEach(i -> live.add(i.asString()));
        assertThat(live).containsExactly(A, B);
        JsonNode metadata = processor(fromB, "metadata");
        assertThat(owners(metadata)).containsEntry(A, 2).containsEntry(B, 2);
    }

    @Test
    @Order(2)
    void aWriteThroughOneInstanceIsSeenAtOnceThroughTheOther() {
        for (int i = 0; i < 24; i++) {
            RunningApp writer = i % 2 == 0 ? a : b;
            RunningApp reader = i % 2 == 0 ? b : a;
            String word = "w" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            byte[] content = ("content of " + word).getBytes(StandardCharsets.UTF_8);
            String id = new Api(writer, user).upload("note " + word + ".txt", content);
            written.add(id);
            assertSeen(new Api(reader, user), id, word, content);
        }
    }

    @Test
    @Order(3)
    void afterAKillTheOtherInstanceTakesOverEverySegmentAndServesWrites() throws Exception {
        a.kill();

        Await.isTrue(() -> {
            JsonNode cluster = cluster(b);
            if (cluster.get("liveInstances").size() != 1) {
                return false;
            }
            for (JsonNode processor : cluster.get("processors")) {
                if (!owners(processor).keySet().equals(java.util.Set.of(B))) {
                    return false;
                }
            }
            return true;
        }, WAIT, B + " owning every segment after " + A + " was killed");

        Api onB = new Api(b, user);
        for (int i = 0; i < 6; i++) {
            String word = "k" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            byte[] content = ("written after the kill " + word).getBytes(StandardCharsets.UTF_8);
            String id = onB.upload("after " + word + ".txt", content);
            assertSeen(onB, id, word, content);
        }
        for (String id : written) {
            assertThat(onB.get("/api/files/" + id).statusCode()).isEqualTo(200);
        }
    }

    private void assertSeen(Api reader, String id, String word, byte[] content) {
        HttpResponse<String> file = reader.get("/api/files/" + id);
        assertThat(file.statusCode()).as("GET of %s right after its 201: %s", id, file.body()).isEqualTo(200);
        List<String> listed = new ArrayList<>();
        data(reader.get("/api/files?limit=100")).get("files").forEach(f -> listed.add(f.get("fileId").asString()));
        assertThat(listed).as("the listing right after the 201").contains(id);
        List<String> found = new ArrayList<>();
        data(reader.get("/api/files/search?q=" + word)).get("files")
                .forEach(f -> found.add(f.get("fileId").asString()));
        assertThat(found).as("a search for %s right after the 201", word).containsExactly(id);
        HttpResponse<byte[]> download = reader.sendBytes(reader.request("/api/files/" + id + "/download").GET()
                .build());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(content);
    }

    private static JsonNode cluster(RunningApp app) {
        HttpResponse<String> response = new Api(app, RunningApp.ADMIN).send(app.asAdmin("/api/admin/cluster")
                .GET().build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return data(response);
    }

    private static JsonNode processor(JsonNode cluster, String name) {
        for (JsonNode processor : cluster.get("processors")) {
            if (processor.get("name").asString().equals(name)) {
                return processor;
            }
        }
        throw new AssertionError("no processor " + name + " in " + cluster);
    }

    /** How many segments each live owner holds; {@code null} counts segments unclaimed or held by a lost one. */
    private static Map<String, Integer> owners(JsonNode processor) {
        Map<String, Integer> owned = new HashMap<>();
        for (JsonNode segment : processor.get("segments")) {
            boolean live = segment.get("ownerLive").asBoolean();
            String owner = live ? segment.get("owner").asString() : null;
            owned.merge(owner, 1, Integer::sum);
        }
        return owned;
    }
}
