package io.filestore.api.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A node added at runtime (R = 2 of 2, then 3 nodes): validated, admins only, kept across a restart; the rebalancer
 * moves blobs to it while every download keeps working, leaving exactly R replicas; a node that holds the only good
 * copy of a blob cannot be removed (409), a drained one can.
 */
class StorageNodesIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static RunningApp app;
    private static Api user;
    private static Path added;

    @BeforeAll
    static void start() throws Exception {
        String database = TestServices.databaseUrl("storagenodes");
        TestServices.recreateDatabase(database);
        String indexPrefix = io.filestore.testsupport.TestServicesSource.services().indexPrefix() + "-storagenodes";
        TestServices.deleteIndices(indexPrefix);
        added = Paths.get("target").toAbsolutePath().resolve("it-added-node");
        RunningApp.deleteTree(added);
        app = RunningApp.launch("storagenodes", "256m", Map.of(
                "FILESTORE_DB_URL", database,
                "FILESTORE_ELASTICSEARCH_INDEX_PREFIX", indexPrefix,
                "FILESTORE_BLOB_STORE_NODE_COUNT", "2",
                "FILESTORE_BLOB_STORE_REPLICATION_FACTOR", "2",
                "FILESTORE_BLOB_STORE_REBALANCE_RATE", "200KB"));
        user = new Api(app, "nodes-user");
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.stop();
        }
    }

    static HttpRequest.Builder admin(String path) {
        return app.asAdmin(path);
    }

    static HttpResponse<String> adminSend(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> addNode(String json) throws Exception {
        return adminSend(admin("/api/admin/storage/nodes").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    static JsonNode data(HttpResponse<String> response) throws Exception {
        return Api.JSON.readTree(response.body()).get("data");
    }

    static List<Path> nodeDirs() {
        return List.of(app.dataDir.resolve("blobs").resolve("node-1"), app.dataDir.resolve("blobs").resolve("node-2"),
                added);
    }

    static List<Path> replicas(String sha256) {
        List<Path> found = new ArrayList<>();
        for (Path node : nodeDirs()) {
            Path replica = node.resolve("blobs").resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4))
                    .resolve(sha256);
            if (Files.isRegularFile(replica)) {
                found.add(replica);
            }
        }
        return found;
    }

    @Test
    void aNodeAddedAtRuntimeIsRebalancedOntoWithoutAFailedReadAndKeptAcrossARestart() throws Exception {
        List<String> files = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            byte[] bytes = new byte[30_000 + i];
            new Random(i).nextBytes(bytes);
            contents.add(bytes);
            files.add(user.upload("spread-" + i + ".bin", bytes));
        }

        // refused: not an admin, a relative path, an unknown kind, an invalid bucket
        HttpResponse<String> notAdmin = user.postJson("/api/admin/storage/nodes",
                "{\"kind\":\"directory\",\"path\":\"" + added + "\"}");
        assertThat(notAdmin.statusCode()).isEqualTo(403);
        assertThat(addNode("{\"kind\":\"directory\",\"path\":\"relative/dir\"}").statusCode()).isEqualTo(400);
        assertThat(addNode("{\"kind\":\"tape\",\"path\":\"/x\"}").statusCode()).isEqualTo(400);
        HttpResponse<String> badBucket = addNode("{\"kind\":\"s3\",\"bucket\":\"Not_A_Bucket\"}");
        assertThat(badBucket.statusCode()).isEqualTo(400);
        assertThat(badBucket.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        assertThat(data(adminSend(admin("/api/admin/storage/nodes").GET()))).hasSize(2);

        HttpResponse<String> created = addNode("{\"kind\":\"directory\",\"path\":\"" + added
                + "\",\"location\":\"rack-3\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(data(created).get("id").asString()).isEqualTo("node-3");
        assertThat(data(created).get("location").asString()).isEqualTo("rack-3");
        assertThat(addNode("{\"kind\":\"directory\",\"path\":\"" + added + "\"}").statusCode()).isEqualTo(409);

        // downloads while the rebalancer (200 KB/s) moves blobs
        int downloads = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode status;
        do {
            int i = downloads % files.size();
            HttpResponse<byte[]> body = HTTP.send(user.request("/api/files/" + files.get(i) + "/download").GET()
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(body.statusCode()).as("download %d", downloads).isEqualTo(200);
            assertThat(body.body()).isEqualTo(contents.get(i));
            downloads++;
            status = data(adminSend(admin("/api/admin/storage/rebalance").GET()));
        } while ((status.get("running").asBoolean() || status.get("lastRun") == null
                || status.get("lastRun").isNull()) && System.nanoTime() < deadline);
        JsonNode last = status.get("lastRun");
        assertThat(last.get("blobsChecked").asLong()).isEqualTo(30);
        assertThat(last.get("replicasCopied").asLong()).isPositive().isEqualTo(last.get("replicasDeleted").asLong());
        assertThat(last.get("errors").asLong()).isZero();
        for (byte[] bytes : contents) {
            assertThat(replicas(Api.sha256(bytes))).hasSize(2);
        }
        assertThat(data(adminSend(admin("/api/admin/storage/nodes").GET())).get(2).get("blobCount").asLong())
                .isEqualTo(last.get("replicasCopied").asLong());

        app.stop();
        app.startAgain();
        JsonNode nodes = data(adminSend(admin("/api/admin/storage/nodes").GET()));
        assertThat(nodes).hasSize(3);
        assertThat(nodes.get(2).get("path").asString()).isEqualTo(added.toString());
        for (int i = 0; i < files.size(); i++) {
            assertThat(HTTP.send(user.request("/api/files/" + files.get(i) + "/download").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body()).isEqualTo(contents.get(i));
        }

        // node-3 holds the only good copy of one blob: its removal is refused with a problem
        String sha = Api.sha256(contents.get(0));
        List<Path> holders = replicas(sha);
        Path keep = holders.stream().filter(p -> p.startsWith(added)).findFirst().orElse(holders.get(0));
        for (Path other : holders) {
            if (!other.equals(keep)) {
                Files.delete(other);
            }
        }
        String holder = keep.startsWith(added) ? "node-3" : keep.startsWith(nodeDirs().get(0)) ? "node-1" : "node-2";
        HttpResponse<String> refused = adminSend(admin("/api/admin/storage/nodes/" + holder).DELETE());
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        assertThat(refused.body()).contains("only intact replica");
        assertThat(adminSend(admin("/api/admin/storage/nodes/node-9").DELETE()).statusCode()).isEqualTo(404);
        assertThat(user.delete("/api/admin/storage/nodes/node-3").statusCode()).isEqualTo(403);

        // drained, node-3 can go; every file is still there
        HttpResponse<String> drain = adminSend(admin("/api/admin/storage/nodes/node-3/drain")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(drain.statusCode()).isEqualTo(202);
        HttpResponse<String> removed = null;
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            JsonNode node = data(adminSend(admin("/api/admin/storage/nodes").GET())).get(2);
            if (!node.get("draining").asBoolean() && node.get("lastDrain") != null
                    && node.get("lastDrain").get("remaining").asLong() == 0) {
                removed = adminSend(admin("/api/admin/storage/nodes/node-3").DELETE());
                break;
            }
            Thread.sleep(200);
        }
        assertThat(removed).isNotNull();
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(204);
        assertThat(data(adminSend(admin("/api/admin/storage/nodes").GET()))).hasSize(2);
        for (int i = 0; i < files.size(); i++) {
            assertThat(HTTP.send(user.request("/api/files/" + files.get(i) + "/download").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body()).isEqualTo(contents.get(i));
        }
        app.stop();
        app.startAgain();
        assertThat(data(adminSend(admin("/api/admin/storage/nodes").GET()))).hasSize(2);
    }
}
