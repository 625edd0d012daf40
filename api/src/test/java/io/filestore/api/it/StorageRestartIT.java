package io.filestore.api.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A scrub killed in the middle resumes after a restart; an upload no node has room for is a 507. */
class StorageRestartIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpRequest.Builder admin(RunningApp app, String path) {
        return app.asAdmin(path);
    }

    static JsonNode scrub(RunningApp app) throws Exception {
        HttpResponse<String> response = HTTP.send(admin(app, "/api/admin/storage/scrub").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return Api.JSON.readTree(response.body()).get("data");
    }

    static boolean eventually(Duration timeout, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.call()) {
                return true;
            }
            Thread.sleep(200);
        }
        return condition.call();
    }

    @Test
    void aScrubKilledInTheMiddleResumesAfterTheRestart() throws Exception {
        RunningApp app = RunningApp.launch("scrub-restart", "256m", Map.of(
                "FILESTORE_BLOB_STORE_SCRUB_ENABLED", "true",
                "FILESTORE_BLOB_STORE_SCRUB_INITIAL_DELAY", "2s",
                "FILESTORE_BLOB_STORE_SCRUB_RATE", "200KB",
                "FILESTORE_BLOB_STORE_SCRUB_BATCH_SIZE", "1"));
        RunningApp restarted = null;
        try {
            Api user = new Api(app, "scrub-restart-user");
            for (int i = 0; i < 10; i++) {
                byte[] bytes = new byte[100 * 1024];
                new Random(i).nextBytes(bytes);
                user.upload("s-" + i + ".bin", bytes);
            }
            // the first scheduled scrub (of an empty store) must be over before ours starts
            assertThat(eventually(Duration.ofSeconds(60), () -> !scrub(app).get("running").asBoolean())).isTrue();
            HttpResponse<String> started = HTTP.send(admin(app, "/api/admin/storage/scrub")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(started.statusCode()).isEqualTo(202);
            assertThat(eventually(Duration.ofSeconds(60), () -> {
                JsonNode current = scrub(app).get("current");
                return current != null && !current.isNull() && current.get("blobsChecked").asLong() >= 2;
            })).isTrue();
            String startedAt = scrub(app).get("current").get("startedAt").asString();

            app.kill(); // a crash in the middle of the scrub
            assertThat(app.dataDir.resolve("scrub").resolve("scrub-state.properties")).exists();
            restarted = app.restart();
            RunningApp again = restarted;

            assertThat(eventually(Duration.ofSeconds(120), () -> {
                JsonNode last = scrub(again).get("lastRun");
                return last != null && !last.isNull() && last.get("startedAt").asString().equals(startedAt);
            })).as("the interrupted run finished after the restart").isTrue();
            JsonNode last = scrub(again).get("lastRun");
            assertThat(last.get("blobsChecked").asLong()).isGreaterThanOrEqualTo(10);
            assertThat(Instant.parse(last.get("finishedAt").asString())).isAfter(Instant.parse(startedAt));
            assertThat(Files.exists(app.dataDir.resolve("scrub").resolve("scrub-state.properties"))).isFalse();
        } finally {
            if (restarted != null) {
                restarted.stop();
            } else {
                app.kill();
            }
        }
    }

    @Test
    void anUploadNoNodeHasRoomForIsInsufficientStorage() throws Exception {
        RunningApp app = RunningApp.launch("storage-full", "256m", Map.of(
                "FILESTORE_BLOB_STORE_MIN_FREE_SPACE", "100000TB"));
        try {
            HttpResponse<String> response = new Api(app, "full-user")
                    .uploadMultipart("big.bin", "application/octet-stream", new byte[1000], null);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(507);
            assertThat(response.body()).contains("no storage node has room for the content");
        } finally {
            app.stop();
        }
    }
}
