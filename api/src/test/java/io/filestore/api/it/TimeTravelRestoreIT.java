package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The time-travel answers survive a rebuild of the history projection and a backup restored into an empty store,
 * on an application of its own: every answer at every recorded instant is the same afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimeTravelRestoreIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    private String databaseUrl;
    private String indexPrefix;
    private RunningApp app;
    private Api admin;

    @BeforeAll
    void startApplication() {
        databaseUrl = TestServices.databaseUrl("history_it");
        indexPrefix = io.filestore.testsupport.TestServicesSource.services().indexPrefix() + "-history";
        TestServices.recreateDatabase(databaseUrl);
        TestServices.deleteIndices(indexPrefix);
        app = RunningApp.dedicated("history", Map.of(
                "FILESTORE_DB_URL", databaseUrl,
                "FILESTORE_ELASTICSEARCH_INDEX_PREFIX", indexPrefix));
        admin = new Api(app, RunningApp.ADMIN);
    }

    @AfterAll
    void stopApplication() throws InterruptedException {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void answersAtEveryInstantAreTheSameAfterARebuildAndAfterARestore() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        Api alice = new Api(app, "hr-alice-" + run);
        Api bob = new Api(app, "hr-bob-" + run);
        List<Instant> instants = new ArrayList<>();
        instants.add(step());
        String id = alice.upload("a.txt", "one".getBytes(StandardCharsets.UTF_8));
        instants.add(step());
        ok(alice.send(alice.request("/api/files/" + id).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("two")).build()));
        ok(alice.postJson("/api/files/" + id + "/metadata", "{\"name\":\"b.txt\",\"folder\":\"/x\"}"));
        instants.add(step());
        ok(alice.postJson("/api/files/" + id + "/share", "{\"userId\":\"" + bob.user + "\",\"role\":\"editor\"}"));
        instants.add(step());
        ok(alice.delete("/api/files/" + id));
        instants.add(step());
        ok(alice.post("/api/trash/" + id + "/restore"));
        String second = alice.upload("c.txt", "three".getBytes(StandardCharsets.UTF_8));
        instants.add(step());
        awaitCaughtUp();

        Supplier<Map<String, Object>> answers = () -> {
            Map<String, Object> all = new TreeMap<>();
            for (Instant at : instants) {
                String t = URLEncoder.encode(at.toString(), StandardCharsets.UTF_8);
                for (Api who : List.of(alice, bob)) {
                    for (String path : List.of("/api/files?asOf=" + t, "/api/files/" + id + "?asOf=" + t,
                            "/api/files/" + id + "/versions?asOf=" + t, "/api/files/" + id + "/shares?asOf=" + t,
                            "/api/files/" + second + "?asOf=" + t, "/api/files/" + id + "/access?at=" + t,
                            "/api/files/changes?since=" + URLEncoder.encode(instants.get(0).toString(),
                                    StandardCharsets.UTF_8) + "&until=" + t)) {
                        HttpResponse<String> response = who.get(path);
                        // JSON objects compare regardless of field order (which may differ between two runs)
                        all.put(who.user + " " + path, response.statusCode() == 200 ? data(response)
                                : response.statusCode());
                    }
                }
                String access = "/api/admin/access?user=" + bob.user + "&at=" + t;
                all.put("admin " + access, data(admin.get(access)));
            }
            return all;
        };
        Map<String, Object> before = answers.get();
        assertThat(before.values()).filteredOn(v -> v instanceof JsonNode).hasSizeGreaterThan(20);
        assertThat(((JsonNode) before.get(alice.user + " /api/files/" + id + "?asOf="
                + URLEncoder.encode(instants.get(2).toString(), StandardCharsets.UTF_8))).get("name").asString())
                .isEqualTo("b.txt");
        String digest = data(admin.get("/api/admin/projections/digest")).get("history").asString();

        // a rebuild of the history projection alone
        HttpResponse<String> started = admin.post("/api/admin/projections/history/rebuild");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String rebuild = data(started).get("id").asString();
        JsonNode done = awaitUntil(() -> {
            for (JsonNode r : data(admin.get("/api/admin/projections")).get("rebuilds")) {
                if (r.get("id").asString().equals(rebuild) && !r.get("state").asString().equals("RUNNING")) {
                    return r;
                }
            }
            return null;
        }, "rebuild " + rebuild);
        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("COMPLETED");
        assertThat(done.get("digest").asString()).isEqualTo(digest);
        assertThat(answers.get()).isEqualTo(before);

        // a backup restored into an empty store
        HttpResponse<String> backupStarted = admin.post("/api/backup/start");
        assertThat(backupStarted.statusCode()).as(backupStarted.body()).isEqualTo(202);
        String backupId = data(backupStarted).get("id").asString();
        JsonNode backup = awaitUntil(() -> {
            JsonNode b = data(admin.get("/api/backup/" + backupId));
            return b.get("state").asString().equals("RUNNING") ? null : b;
        }, "backup");
        assertThat(backup.get("state").asString()).isEqualTo("COMPLETED");
        app.stop();
        TestServices.recreateDatabase(databaseUrl);
        TestServices.deleteIndices(indexPrefix);
        app.startAgain();
        assertThat(alice.listTotal()).isZero();
        // the search index prepares itself in the background after a start, reading the event store; a restore
        // locks the store while it loads, so it starts once the index is ready (see the report on that race)
        awaitUntil(() -> data(admin.get("/api/admin/search")).path("servingIndex").isMissingNode()
                || data(admin.get("/api/admin/search")).path("servingIndex").isNull() ? null : Boolean.TRUE,
                "the search index");
        HttpResponse<String> restoreStarted = admin.postJson("/api/backup/restore",
                "{\"backupId\":\"" + backupId + "\"}");
        assertThat(restoreStarted.statusCode()).as(restoreStarted.body()).isEqualTo(202);
        String restoreId = data(restoreStarted).get("id").asString();
        JsonNode restore = awaitUntil(() -> {
            JsonNode r = data(admin.get("/api/backup/restores/" + restoreId));
            return r.get("state").asString().equals("RUNNING") ? null : r;
        }, "restore");
        assertThat(restore.get("state").asString()).as(restore.toString()).isEqualTo("COMPLETED");
        assertThat(restore.get("digests").get("history").asString()).isEqualTo(digest);
        assertThat(answers.get()).isEqualTo(before);
    }

    private static Instant step() throws InterruptedException {
        Thread.sleep(15);
        Instant now = Instant.now();
        Thread.sleep(15);
        return now;
    }

    private static void ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    }

    private void awaitCaughtUp() {
        awaitUntil(() -> {
            for (JsonNode projection : data(admin.get("/api/admin/projections")).get("projections")) {
                if (!projection.get("caughtUp").asBoolean()) {
                    return null;
                }
            }
            return Boolean.TRUE;
        }, "the projections to catch up");
    }

    private static <T> T awaitUntil(Await.Check<T> check, String what) {
        return Await.until(check, WAIT, what);
    }
}
