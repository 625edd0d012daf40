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
import java.util.Properties;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * kill -9 in the middle of a drain and of a rebalance (held there by the test pause points {@code storage.drain} and
 * {@code storage.rebalance}): after the restart each one resumes by itself and finishes, every file stays
 * downloadable, and every blob ends with R = 2 replicas in the right places.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageCrashIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static Path pauses;
    private static Path added;
    private static RunningApp app;
    private static Api user;
    private static final List<String> files = new ArrayList<>();
    private static final List<byte[]> contents = new ArrayList<>();
    private static int starts;

    @BeforeAll
    static void start() throws Exception {
        String database = TestServices.databaseUrl("storagecrash");
        TestServices.recreateDatabase(database);
        String indexPrefix = io.filestore.testsupport.TestServicesSource.services().indexPrefix() + "-storagecrash";
        TestServices.deleteIndices(indexPrefix);
        pauses = Paths.get("target", "it-storage-pauses").toAbsolutePath();
        RunningApp.deleteTree(pauses);
        Files.createDirectories(pauses);
        added = Paths.get("target").toAbsolutePath().resolve("it-storagecrash-added");
        RunningApp.deleteTree(added);
        app = RunningApp.launch("storagecrash", "256m", Map.of(
                "FILESTORE_DB_URL", database,
                "FILESTORE_ELASTICSEARCH_INDEX_PREFIX", indexPrefix,
                "FILESTORE_BLOB_STORE_NODE_COUNT", "3",
                "FILESTORE_BLOB_STORE_REPLICATION_FACTOR", "2",
                "FILESTORE_BLOB_STORE_REBALANCE_BATCH_SIZE", "3",
                "FILESTORE_TEST_PAUSE_AT", pauses.toString()));
        user = new Api(app, "crash-user");
        for (int i = 0; i < 24; i++) {
            byte[] bytes = new byte[20_000 + i];
            new Random(1000 + i).nextBytes(bytes);
            contents.add(bytes);
            files.add(user.upload("crash-" + i + ".bin", bytes));
        }
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

    static JsonNode adminData(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return Api.JSON.readTree(response.body()).get("data");
    }

    static Path node(int n) {
        return n == 4 ? added : app.dataDir.resolve("blobs").resolve("node-" + n);
    }

    static List<Integer> holders(String sha256) {
        List<Integer> found = new ArrayList<>();
        for (int n = 1; n <= 4; n++) {
            if (Files.isRegularFile(node(n).resolve("blobs").resolve(sha256.substring(0, 2))
                    .resolve(sha256.substring(2, 4)).resolve(sha256))) {
                found.add(n);
            }
        }
        return found;
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    static void killAt(String point) throws Exception {
        await(() -> {
            try {
                return Files.readString(app.log).contains("test pause reached: " + point);
            } catch (java.io.IOException e) {
                return false;
            }
        }, "the pause at " + point);
        try (var armed = Files.list(pauses)) {
            for (Path file : armed.toList()) {
                Files.delete(file);
            }
        }
        app.kill();
    }

    static void restart() throws Exception {
        starts++;
        app = app.restart("storage-run" + starts, Map.of());
        user = new Api(app, "crash-user");
    }

    static void assertAllDownloadable() throws Exception {
        for (int i = 0; i < files.size(); i++) {
            HttpResponse<byte[]> body = HTTP.send(user.request("/api/files/" + files.get(i) + "/download").GET()
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(body.statusCode()).isEqualTo(200);
            assertThat(body.body()).isEqualTo(contents.get(i));
        }
    }

    @Test
    @Order(1)
    void aDrainKilledInTheMiddleResumesAfterTheRestart() throws Exception {
        Files.writeString(pauses.resolve("storage.drain"), "");
        HttpResponse<String> drain = HTTP.send(admin("/api/admin/storage/nodes/node-1/drain")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(drain.statusCode()).isEqualTo(202);
        killAt("storage.drain");

        restart();
        await(() -> {
            try {
                JsonNode node = adminData(admin("/api/admin/storage/nodes").GET()).get(0);
                return node.get("state").asString().equals("draining") && node.get("lastDrain") != null
                        && node.get("lastDrain").get("remaining").asLong() == 0;
            } catch (Exception e) {
                return false;
            }
        }, "the resumed drain");
        assertThat(Files.readString(app.log)).contains("Resuming the drain of node node-1");
        for (byte[] bytes : contents) {
            List<Integer> holders = holders(Api.sha256(bytes));
            assertThat(holders.stream().filter(n -> n != 1)).as("replicas outside node-1").hasSize(2);
        }
        assertAllDownloadable();
        // back to normal for the next test
        assertThat(HTTP.send(admin("/api/admin/storage/nodes/node-1/up").POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void aRebalanceKilledInTheMiddleResumesFromItsSavedPosition() throws Exception {
        Files.writeString(pauses.resolve("storage.rebalance"), "");
        HttpResponse<String> created = HTTP.send(admin("/api/admin/storage/nodes")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"directory\",\"path\":\"" + added + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        killAt("storage.rebalance");

        Properties saved = new Properties();
        try (var reader = Files.newBufferedReader(app.dataDir.resolve("rebalance").resolve("rebalance-state.properties"))) {
            saved.load(reader);
        }
        assertThat(saved.getProperty("cursor")).isNotEmpty();
        long checkedBeforeKill = Long.parseLong(saved.getProperty("blobsChecked"));
        assertThat(checkedBeforeKill).isBetween(1L, 23L);

        restart();
        JsonNode[] last = new JsonNode[1];
        await(() -> {
            try {
                JsonNode status = adminData(admin("/api/admin/storage/rebalance").GET());
                last[0] = status.get("lastRun");
                return !status.get("running").asBoolean() && last[0] != null && !last[0].isNull();
            } catch (Exception e) {
                return false;
            }
        }, "the resumed rebalance");
        assertThat(Files.readString(app.log)).contains("Resuming the rebalance started at "
                + saved.getProperty("startedAt"));
        assertThat(last[0].get("startedAt").asString()).isEqualTo(saved.getProperty("startedAt"));
        assertThat(last[0].get("blobsChecked").asLong()).isEqualTo(24); // resumed: not one blob counted twice
        for (byte[] bytes : contents) {
            assertThat(holders(Api.sha256(bytes))).as("replicas").hasSize(2);
        }
        assertThat(adminData(admin("/api/admin/storage/nodes").GET()).get(3).get("blobCount").asLong()).isPositive();
        assertAllDownloadable();
    }
}
