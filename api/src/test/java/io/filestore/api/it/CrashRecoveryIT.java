package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static io.filestore.api.it.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * kill -9 in each phase of the long operations, on an application of its own: the test-only hook
 * {@code FILESTORE_TEST_PAUSE_AT} (a directory in which the test arms a point by creating a file of its name) makes
 * the operation block at that phase, the test kills the process there, disarms the point, starts the process again
 * and compares what the API answers (files, trash, versions, metadata, search,
 * downloads) with the state the operation must leave: the old one (rolled back) or the new one (resumed). A
 * projection rebuild killed while replaying is resumed. A service
 * started on an empty event store beside an old search index is checked too. The data are kept small: each case
 * costs two or three starts of the application.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashRecoveryIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    private String databaseUrl;
    private String indexPrefix;
    private RunningApp app;
    private Api admin;
    private int starts;
    private Path pauses;

    @BeforeAll
    void startApplication() {
        databaseUrl = TestServices.databaseUrl("crash_it");
        indexPrefix = io.filestore.testsupport.TestServicesSource.services().indexPrefix() + "-crash";
        TestServices.recreateDatabase(databaseUrl);
        TestServices.deleteIndices(indexPrefix);
        pauses = java.nio.file.Paths.get("target", "it-crash-pauses").toAbsolutePath();
        try {
            RunningApp.deleteTree(pauses);
            Files.createDirectories(pauses);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        app = RunningApp.dedicated("crash", Map.of(
                "FILESTORE_DB_URL", databaseUrl,
                "FILESTORE_ELASTICSEARCH_INDEX_PREFIX", indexPrefix,
                "FILESTORE_TEST_PAUSE_AT", pauses.toString(),
                "FILESTORE_TRASH_RETENTION", "1h", // trashed files stay in the trash for the whole test
                "FILESTORE_DB_POOL_SIZE", "10")); // small data: a small share of the shared PostgreSQL
        admin = new Api(app, RunningApp.ADMIN);
    }

    @AfterAll
    void stopApplication() throws InterruptedException {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    @Order(1)
    void aRestoreKilledWhileLoadingIsRolledBackAndChangesNothing() throws Exception {
        Api ada = new Api(app, "ada-" + suffix());
        String report = ada.upload("report.txt", bytes("report of ada"));
        String backup = awaitBackup(startBackup()).get("id").asString();
        ok(ada.postJson("/api/files/" + report + "/metadata", "{\"name\":\"renamed-after-backup.txt\"}"));
        String later = ada.upload("later.txt", bytes("made after the backup"));
        Map<String, JsonNode> before = awaitSettled(ada, List.of(report, later));

        arm("restore.loading");
        String restore = startRestore("{\"backupId\":\"" + backup + "\",\"replace\":true}");
        killAt("restore.loading");
        restart();

        JsonNode status = awaitRestore(restore);
        assertThat(status.get("state").asString()).isEqualTo("FAILED");
        assertThat(status.get("error").asString()).contains("rolled back");
        assertSettled(ada, List.of(report, later), before);
        ok(ada.postJson("/api/files/" + later + "/metadata", "{\"description\":\"changes are accepted\"}"));
    }

    @Test
    @Order(2)
    void aRestoreKilledEarlyInItsReplayIsResumedUnderMaintenanceAcrossRestarts() throws Exception {
        Api bea = new Api(app, "bea-" + suffix());
        String kept = bea.upload("kept.txt", bytes("kept by bea"));
        String trashed = bea.upload("trashed.txt", bytes("trashed after the backup"));
        Map<String, JsonNode> atBackup = awaitSettled(bea, List.of(kept, trashed));
        String backup = awaitBackup(startBackup()).get("id").asString();
        // changes after the backup, which the restore must undo (also in the search index)
        ok(bea.postJson("/api/files/" + kept + "/metadata", "{\"name\":\"renamed-after-backup.txt\"}"));
        ok(bea.delete("/api/files/" + trashed));
        String later = bea.upload("later.txt", bytes("made after the backup"));
        awaitSettled(bea, List.of(kept, trashed, later));

        arm("restore.replay");
        String restore = startRestore("{\"backupId\":\"" + backup + "\",\"replace\":true}");
        killAt("restore.replay");

        // started again, and held before it resumes: maintenance holds, health says the answers are incomplete
        arm("restore.resume");
        restart();
        awaitPause("restore.resume");
        HttpResponse<String> refused = bea.postJson("/api/files/" + kept + "/metadata", "{\"description\":\"x\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        JsonNode health = json(bea.get("/health"));
        assertThat(health.get("status").asString()).isEqualTo("degraded");
        assertThat(health.get("checks").get("consistency").get("reasons").toString()).contains("restore");
        assertThat(data(admin.get("/api/backup/restores/" + restore)).get("state").asString()).isEqualTo("RUNNING");
        killAt("restore.resume");

        restart();
        JsonNode status = awaitRestore(restore);
        assertThat(status.get("state").asString()).as(status.toString()).isEqualTo("COMPLETED");
        Map<String, JsonNode> expected = new LinkedHashMap<>(atBackup);
        assertSettled(bea, List.of(kept, trashed), expected);
        assertThat(bea.get("/api/files/" + later).statusCode()).isEqualTo(404);
        ok(bea.postJson("/api/files/" + kept + "/metadata", "{\"description\":\"changes are accepted again\"}"));
    }

    /**
     * A disaster: the database, the search index and every storage node are lost; the backup is restored into the
     * new, empty store, the service is killed late in the replay and again while verifying blobs.
     */
    @Test
    @Order(3)
    void aDisasterRestoreKilledLateInItsReplayAndWhileVerifyingBlobsIsResumedAndServesEveryFile() throws Exception {
        Api cyd = new Api(app, "cyd-" + suffix());
        List<String> files = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            files.add(cyd.upload("file-" + i + ".txt", bytes("content " + i + " of " + cyd.user)));
        }
        ok(cyd.postJson("/api/files/" + files.get(0) + "/metadata", "{\"tags\":[\"kept\"]}"));
        ok(replaceContent(cyd, files.get(1), "second version"));
        ok(cyd.delete("/api/files/" + files.get(2)));
        Map<String, JsonNode> before = awaitSettled(cyd, files);
        Map<String, String> downloads = downloads(cyd, files);
        String backup = awaitBackup(startBackup()).get("id").asString();

        app.stop();
        TestServices.recreateDatabase(databaseUrl);
        TestServices.deleteIndices(indexPrefix);
        for (Path node : app.nodes()) {
            RunningApp.deleteTree(node);
        }
        restart();
        arm("restore.replay.late");
        String restore = startRestore("{\"backupId\":\"" + backup + "\"}");
        killAt("restore.replay.late");
        arm("restore.blobs");
        restart();
        killAt("restore.blobs");
        restart();

        JsonNode status = awaitRestore(restore);
        assertThat(status.get("state").asString()).as(status.toString()).isEqualTo("COMPLETED");
        assertThat(status.get("blobs").get("missing").asLong()).isZero();
        assertThat(status.get("blobs").get("restoredFromBackup").asLong()).isPositive();
        assertSettled(cyd, files, before);
        assertThat(downloads(cyd, files)).isEqualTo(downloads);
    }

    @Test
    @Order(5)
    void aBackupKilledWhileCopyingBlobsIsRolledBackAndTheNextOneCompletes() throws Exception {
        Api dan = new Api(app, "dan-" + suffix());
        String file = dan.upload("notes.txt", bytes("notes of dan"));
        Map<String, JsonNode> before = awaitSettled(dan, List.of(file));

        arm("backup.blobs");
        String backup = startBackup();
        killAt("backup.blobs");
        restart();

        JsonNode status = awaitBackup(backup);
        assertThat(status.get("state").asString()).isEqualTo("FAILED");
        assertThat(status.get("error").asString()).contains("rolled back");
        Path dir = app.dataDir.resolve("backups").resolve(backup);
        try (var parts = Files.list(dir)) {
            assertThat(parts.map(p -> p.getFileName().toString())).containsExactly("status.json");
        }
        assertThat(admin.postJson("/api/backup/restore", "{\"backupId\":\"" + backup + "\",\"replace\":true}")
                .statusCode()).isEqualTo(409);
        assertSettled(dan, List.of(file), before);
        JsonNode next = awaitBackup(startBackup());
        assertThat(next.get("state").asString()).isEqualTo("COMPLETED");
    }

    @Test
    @Order(6)
    void aSearchRebuildKilledBeforeItsSwapIsStartedOverAndEndsComplete() throws Exception {
        Api eve = new Api(app, "eve-" + suffix());
        String first = eve.upload("first.txt", bytes("first of eve"));
        String second = eve.upload("second.txt", bytes("second of eve"));
        ok(eve.postJson("/api/files/" + first + "/metadata", "{\"name\":\"first-renamed.txt\"}"));
        ok(eve.delete("/api/files/" + second));
        Map<String, JsonNode> before = awaitSettled(eve, List.of(first, second));
        String serving = data(admin.get("/api/admin/search")).get("servingIndex").asString();

        arm("search.swap");
        HttpResponse<String> started = admin.post("/api/admin/search/rebuild");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String building = data(started).get("buildingIndex").asString();
        killAt("search.swap");
        restart();

        assertSettled(eve, List.of(first, second), before);
        JsonNode search = data(admin.get("/api/admin/search"));
        assertThat(search.get("rebuilding").asBoolean()).isFalse();
        assertThat(search.get("servingIndex").asString()).isNotIn(serving, building); // rebuilt again, swapped
    }

    @Test
    @Order(7)
    void aProjectionRebuildKilledWhileReplayingIsResumedAndCompletes() throws Exception {
        Api gus = new Api(app, "gus-" + suffix());
        String file = gus.upload("g.txt", bytes("g of gus"));
        ok(gus.postJson("/api/files/" + file + "/metadata", "{\"tags\":[\"x\"]}"));
        Map<String, JsonNode> before = awaitSettled(gus, List.of(file));
        JsonNode digests = data(admin.get("/api/admin/projections/digest"));

        arm("rebuild.replay");
        // a blob collection pass (every 3 s here) may hold the guard for a moment: 409 until it is done
        HttpResponse<String> started = awaitUntil(() -> {
            HttpResponse<String> response = admin.post("/api/admin/projections/metadata/rebuild");
            return response.statusCode() == 409 ? null : response;
        }, "the rebuild to start");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String rebuild = data(started).get("id").asString();
        awaitPause("rebuild.replay");
        JsonNode health = json(gus.get("/health"));
        assertThat(health.get("status").asString()).isEqualTo("degraded");
        assertThat(health.get("checks").get("consistency").get("reasons").toString())
                .contains("projection metadata is being rebuilt");
        killAt("rebuild.replay");
        restart();

        JsonNode done = awaitUntil(() -> {
            for (JsonNode r : data(admin.get("/api/admin/projections")).get("rebuilds")) {
                if (r.get("id").asString().equals(rebuild) && !r.get("state").asString().equals("RUNNING")) {
                    return r;
                }
            }
            return null;
        }, "the resumed rebuild " + rebuild);
        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("COMPLETED");
        assertThat(done.get("digest").asString()).isEqualTo(digests.get("metadata").asString());
        assertSettled(gus, List.of(file), before);
    }

    @Test
    @Order(8)
    void aServiceStartedOnAnEmptyEventStoreNeverServesTheOldStoresSearchIndex() throws Exception {
        String user = "fay-" + suffix();
        Api fay = new Api(app, user);
        String old = fay.upload("old-secret.txt", bytes("of the old store"));
        awaitSettled(fay, List.of(old));
        assertThat(ids(fay.get("/api/files/search?q=secret"))).containsExactly(old);

        app.stop();
        TestServices.recreateDatabase(databaseUrl); // a new, empty event store; the search index stays
        restart();
        admin = new Api(app, RunningApp.ADMIN);
        fay = new Api(app, user); // the same user id in the new store

        String fresh = fay.upload("new-secret.txt", bytes("of the new store"));
        awaitSettled(fay, List.of(fresh));
        assertThat(ids(fay.get("/api/files/search?q=secret"))).containsExactly(fresh);
        assertThat(ids(fay.get("/api/files/search?q=txt"))).containsExactly(fresh);
        assertThat(fay.get("/api/files/" + old).statusCode()).isEqualTo(404);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Starts the application again (after a stop or a kill) on the same data, database and port. */
    private void restart() throws IOException, InterruptedException {
        starts++;
        app = app.restart("run" + starts, Map.of());
        admin = new Api(app, RunningApp.ADMIN);
    }

    /** Makes the next operation that reaches {@code point} block there (see {@code TestPause}). */
    private void arm(String point) throws IOException {
        Files.writeString(pauses.resolve(point), "");
    }

    /** Waits until the application blocks at {@code point}, disarms every point and kills the application. */
    private void killAt(String point) throws Exception {
        awaitPause(point);
        try (var armed = Files.list(pauses)) {
            for (Path file : armed.toList()) {
                Files.delete(file);
            }
        }
        app.kill();
    }

    private void awaitPause(String point) {
        awaitTrue(() -> Files.exists(app.log) && Files.readString(app.log).contains("test pause reached: " + point),
                "the application to reach the test pause at " + point);
    }

    /**
     * Waits until the answers about {@code files} no longer change and the service has nothing incomplete (every
     * projection caught up, the search index complete and refreshed), and returns them.
     */
    private Map<String, JsonNode> awaitSettled(Api user, List<String> files) {
        awaitConsistent();
        Map<String, JsonNode>[] last = new Map[1];
        return awaitUntil(() -> {
            Map<String, JsonNode> now = answers(user, files);
            boolean same = now.equals(last[0]);
            last[0] = now;
            Thread.sleep(same ? 0 : 1200); // longer than the index's refresh interval
            return same ? now : null;
        }, "the answers to settle");
    }

    /** Waits until the answers equal {@code expected} (the views and the index catch up), then asserts them. */
    private void assertSettled(Api user, List<String> files, Map<String, JsonNode> expected) {
        awaitConsistent();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, JsonNode> now = answers(user, files);
        while (!now.equals(expected) && System.nanoTime() < deadline) {
            sleep(300);
            now = answers(user, files);
        }
        assertThat(now).isEqualTo(expected);
        assertThat(json(user.get("/health")).get("status").asString()).isEqualTo("healthy");
    }

    /** Waits until health reports nothing incomplete. */
    private void awaitConsistent() {
        awaitTrue(() -> {
            JsonNode health = json(admin.get("/health"));
            return health.get("checks").get("consistency").get("status").asString().equals("up");
        }, "health to report complete answers");
        awaitTrue(() -> {
            for (JsonNode projection : data(admin.get("/api/admin/projections")).get("projections")) {
                if (!projection.get("caughtUp").asBoolean()) {
                    return false;
                }
            }
            return true;
        }, "the projections to catch up");
    }

    /** What the API answers {@code user}: listing, trash, search, and each file, its versions and metadata. */
    private Map<String, JsonNode> answers(Api user, List<String> files) {
        Map<String, JsonNode> answers = new LinkedHashMap<>();
        answers.put("files", answer(user.get("/api/files?limit=100")));
        answers.put("trash", answer(user.get("/api/trash?limit=100")));
        answers.put("search", searchAnswer(user.get("/api/files/search?q=txt&limit=100")));
        for (String file : files) {
            for (String path : List.of("", "/versions", "/metadata")) {
                answers.put(file + path, answer(user.get("/api/files/" + file + path)));
            }
        }
        return answers;
    }

    /** A search's status and hits (file id and name, sorted): scores depend on the index's history, not the data. */
    private static JsonNode searchAnswer(HttpResponse<String> response) {
        ObjectNode answer = Api.JSON.createObjectNode();
        answer.put("status", response.statusCode());
        if (response.statusCode() == 200) {
            List<String> hits = new ArrayList<>();
            data(response).get("files").forEach(f -> hits.add(f.get("fileId").asString() + " "
                    + f.get("name").asString()));
            java.util.Collections.sort(hits);
            answer.set("pagination", data(response).get("pagination"));
            answer.put("hits", String.join(", ", hits));
        }
        return answer;
    }

    private static JsonNode answer(HttpResponse<String> response) {
        ObjectNode answer = Api.JSON.createObjectNode();
        answer.put("status", response.statusCode());
        JsonNode body = json(response);
        answer.set("body", body.has("data") ? body.get("data") : body);
        return answer;
    }

    /** The SHA-256 of every version of every live file, by file and version. */
    private static Map<String, String> downloads(Api user, List<String> files) {
        Map<String, String> downloads = new LinkedHashMap<>();
        for (String file : files) {
            HttpResponse<String> versions = user.get("/api/files/" + file + "/versions");
            if (versions.statusCode() != 200) {
                continue;
            }
            for (JsonNode version : data(versions).get("versions")) {
                int n = version.get("version").asInt();
                HttpResponse<byte[]> content = user.sendBytes(user.request("/api/files/" + file + "/download?version="
                        + n).GET().build());
                assertThat(content.statusCode()).as(file + " v" + n).isEqualTo(200);
                downloads.put(file + " v" + n, Api.sha256(content.body()));
            }
        }
        return downloads;
    }

    private static List<String> ids(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        data(response).get("files").forEach(file -> ids.add(file.get("fileId").asString()));
        return ids;
    }

    private String startBackup() {
        HttpResponse<String> started = admin.post("/api/backup/start");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        return data(started).get("id").asString();
    }

    private JsonNode awaitBackup(String id) {
        return awaitUntil(() -> {
            JsonNode backup = data(admin.get("/api/backup/" + id));
            return backup.get("state").asString().equals("RUNNING") ? null : backup;
        }, "backup " + id);
    }

    private String startRestore(String body) {
        HttpResponse<String> started = admin.postJson("/api/backup/restore", body);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        return data(started).get("id").asString();
    }

    private JsonNode awaitRestore(String id) {
        return awaitUntil(() -> {
            JsonNode restore = data(admin.get("/api/backup/restores/" + id));
            return restore.get("state").asString().equals("RUNNING") ? null : restore;
        }, "restore " + id);
    }

    private static HttpResponse<String> replaceContent(Api user, String file, String content) {
        return user.send(user.request("/api/files/" + file).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString(content)).build());
    }

    private static void ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.request().method() + " " + response.request().uri() + ": "
                + response.body()).isBetween(200, 299);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T awaitUntil(Await.Check<T> check, String what) {
        return Await.until(check, WAIT, what);
    }

    private static void awaitTrue(Await.Check<Boolean> check, String what) {
        Await.isTrue(check, WAIT, what);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String suffix() {
        return Long.toHexString(Double.doubleToLongBits(Math.random())).substring(0, 8);
    }
}
