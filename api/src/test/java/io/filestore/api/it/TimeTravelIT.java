package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static io.filestore.api.it.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Time travel over HTTP: a history is built step by step (uploads, a new version, a rename and move, shares with
 * users and a group, an expiring share, a group membership, a revocation, trash, restore, rollback, purge) with the
 * instant recorded between steps; then every answer at those instants is checked against what the service
 * answered (or would have answered) then.
 */
class TimeTravelIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private final Api alice = new Api("tt-alice-" + RUN);
    private final Api bob = new Api("tt-bob-" + RUN);
    private final Api carol = new Api("tt-carol-" + RUN);
    private final Api dave = new Api("tt-dave-" + RUN);
    private final Api erin = new Api("tt-erin-" + RUN);
    private final Api stranger = new Api("tt-stranger-" + RUN);
    private final Api admin = new Api(RunningApp.ADMIN);
    private final String group = "tt-team-" + RUN;

    @Test
    void answersAtEachInstantAsTheServiceDidThen() throws Exception {
        ok(admin.postJson("/api/admin/users", "{\"userId\":\"" + carol.user + "\",\"password\":\"carol-password-1\"}"),
                201);
        Instant t0 = step();
        String report = upload(alice, "report.txt", "v1", "{\"folder\":\"/docs\"}");
        Instant t1 = step();
        String other = upload(alice, "other.txt", "other", null);
        String temp = upload(alice, "temp.txt", "temp", null);
        Instant t2 = step();
        ok(alice.send(alice.request("/api/files/" + report).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("v2")).build()), 200);
        Instant t3 = step();
        ok(alice.postJson("/api/files/" + report + "/metadata", "{\"name\":\"final.txt\",\"folder\":\"/archive\"}"),
                200);
        Instant t4 = step();
        share(report, "{\"userId\":\"" + bob.user + "\",\"role\":\"viewer\"}");
        share(report, "{\"groupId\":\"" + group + "\",\"role\":\"editor\"}");
        String daveShare = share(report, "{\"userId\":\"" + dave.user + "\",\"role\":\"viewer\"}");
        share(report, "{\"userId\":\"" + erin.user + "\",\"role\":\"viewer\",\"expiresAt\":\""
                + Instant.now().plusMillis(1500) + "\"}");
        Instant t5 = step();
        ok(admin.send(admin.request("/api/admin/users/" + carol.user + "/groups")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"groups\":[\"" + group + "\"]}")).build()), 200);
        Instant t5b = step();
        Thread.sleep(1600); // erin's share expires
        Instant t6 = step();
        ok(alice.delete("/api/files/" + report + "/share/" + daveShare), 200);
        Instant t7 = step();
        ok(alice.delete("/api/files/" + report), 200);
        Instant t8 = step();
        ok(alice.post("/api/trash/" + report + "/restore"), 200);
        Instant t9 = step();
        ok(alice.post("/api/files/" + report + "/versions/1/restore"), 200);
        Instant t10 = step();
        ok(alice.delete("/api/files/" + temp), 200);
        ok(alice.delete("/api/trash/" + temp), 200);
        Instant t11 = step();

        eventually(() -> {
            // the listing of the caller's own files
            assertThat(names(alice, "/api/files?asOf=" + t0)).isEmpty();
            assertThat(names(alice, "/api/files?asOf=" + t1)).containsExactly("report.txt");
            assertThat(names(alice, "/api/files?asOf=" + t2)).containsExactly("other.txt", "report.txt");
            assertThat(names(alice, "/api/files?asOf=" + t4)).containsExactly("other.txt", "final.txt");
            assertThat(names(alice, "/api/files?asOf=" + t8)).containsExactly("other.txt");
            assertThat(names(alice, "/api/files?asOf=" + t9)).containsExactly("other.txt", "final.txt");
            assertThat(names(alice, "/api/files?asOf=" + t3 + "&folder=/docs")).containsExactly("report.txt");
            assertThat(names(alice, "/api/files?asOf=" + t3 + "&folder=/archive")).isEmpty();
            assertThat(names(alice, "/api/files?asOf=" + t4 + "&folder=/archive")).containsExactly("final.txt");
            // the present listing's filters and orders, applied to the files as they were
            assertThat(names(alice, "/api/files?asOf=" + t2 + "&sort=name:desc")).containsExactly("report.txt",
                    "other.txt");
            assertThat(names(alice, "/api/files?asOf=" + t2 + "&sort=size:asc")).containsExactly("report.txt",
                    "other.txt");
            assertThat(names(alice, "/api/files?asOf=" + t2 + "&minSize=3")).containsExactly("other.txt");
            assertThat(names(alice, "/api/files?asOf=" + t2 + "&mimeType=text/*")).hasSize(2);
            assertThat(names(alice, "/api/files?asOf=" + t2 + "&mimeType=image/*")).isEmpty();
            assertThat(names(alice, "/api/files?asOf=" + t4 + "&createdAfter=" + enc(t1))).containsExactly(
                    "other.txt");
            assertThat(names(alice, "/api/files?asOf=" + t4 + "&sort=name&owner=" + alice.user)).containsExactly(
                    "final.txt", "other.txt");
            assertThat(data(alice.get("/api/files?asOf=" + enc(t2) + "&limit=1")).get("pagination").get("total")
                    .asLong()).isEqualTo(2);
            assertThat(names(stranger, "/api/files?asOf=" + t5)).isEmpty();

            // one file: name, content, metadata, trash state
            JsonNode at1 = file(alice, report, t1);
            assertThat(at1.get("name").asString()).isEqualTo("report.txt");
            assertThat(at1.get("version").asInt()).isEqualTo(1);
            assertThat(at1.get("metadata").get("folder").asString()).isEqualTo("/docs");
            assertThat(at1.get("checksum").asString()).isEqualTo("sha256:" + Api.sha256(bytes("v1")));
            JsonNode at3 = file(alice, report, t3);
            assertThat(at3.get("version").asInt()).isEqualTo(2);
            assertThat(at3.get("checksum").asString()).isEqualTo("sha256:" + Api.sha256(bytes("v2")));
            assertThat(at3.get("name").asString()).isEqualTo("report.txt");
            JsonNode at4 = file(alice, report, t4);
            assertThat(at4.get("name").asString()).isEqualTo("final.txt");
            assertThat(at4.get("metadata").get("folder").asString()).isEqualTo("/archive");
            assertThat(at4.get("permissions").get("read")).isEmpty();
            assertThat(status(alice, "/api/files/" + report + "?asOf=" + enc(t0))).isEqualTo(404);
            assertThat(status(alice, "/api/files/" + report + "?asOf=" + enc(t8))).isEqualTo(404);
            assertThat(file(alice, report, t9).get("version").asInt()).isEqualTo(2);
            JsonNode at10 = file(alice, report, t10);
            assertThat(at10.get("version").asInt()).isEqualTo(3);
            assertThat(at10.get("checksum").asString()).isEqualTo("sha256:" + Api.sha256(bytes("v1")));
            assertThat(data(alice.get("/api/files/" + report + "/metadata?asOf=" + enc(t3))).get("name").asString())
                    .isEqualTo("report.txt");

            // permissions then: shares in force, expiry, revocation
            assertThat(strings(file(alice, report, t5).get("permissions").get("read"))).containsExactlyInAnyOrder(
                    "user:" + bob.user, "group:" + group, "user:" + dave.user, "user:" + erin.user);
            assertThat(strings(file(alice, report, t5).get("permissions").get("write")))
                    .containsExactly("group:" + group);
            assertThat(strings(file(alice, report, t6).get("permissions").get("read"))).containsExactlyInAnyOrder(
                    "user:" + bob.user, "group:" + group, "user:" + dave.user);
            assertThat(strings(file(alice, report, t7).get("permissions").get("read"))).containsExactlyInAnyOrder(
                    "user:" + bob.user, "group:" + group);

            // versions then
            assertThat(versions(alice, report, t1)).containsExactly(1);
            assertThat(versions(alice, report, t3)).containsExactly(2, 1);
            JsonNode v10 = data(alice.get("/api/files/" + report + "/versions?asOf=" + enc(t10)));
            assertThat(v10.get("currentVersion").asInt()).isEqualTo(3);
            assertThat(v10.get("versions").get(0).get("restoredFrom").asInt()).isEqualTo(1);

            // downloads serve the content current then, or a version the file had then
            assertThat(download(alice, report, "asOf=" + enc(t1))).isEqualTo("v1");
            assertThat(download(alice, report, "asOf=" + enc(t3))).isEqualTo("v2");
            assertThat(download(alice, report, "asOf=" + enc(t3) + "&version=1")).isEqualTo("v1");
            assertThat(download(alice, report, "asOf=" + enc(t10))).isEqualTo("v1");
            assertThat(alice.sendBytes(alice.request("/api/files/" + report + "/download?asOf=" + enc(t1)
                    + "&version=2").GET().build()).statusCode()).isEqualTo(404);

            // shares then (admin role needed)
            assertThat(data(alice.get("/api/files/" + report + "/shares?asOf=" + enc(t4)))).isEmpty();
            List<JsonNode> shares5 = list(data(alice.get("/api/files/" + report + "/shares?asOf=" + enc(t5))));
            assertThat(shares5).extracting(s -> s.get("grantee").asString()).containsExactlyInAnyOrder(
                    "user:" + bob.user, "group:" + group, "user:" + dave.user, "user:" + erin.user);
            assertThat(shares5).allSatisfy(s -> assertThat(s.get("expired").asBoolean()).isFalse());
            List<JsonNode> shares7 = list(data(alice.get("/api/files/" + report + "/shares?asOf=" + enc(t7))));
            assertThat(shares7).extracting(s -> s.get("grantee").asString()).containsExactlyInAnyOrder(
                    "user:" + bob.user, "group:" + group, "user:" + erin.user);
            assertThat(shares7).filteredOn(s -> s.get("grantee").asString().equals("user:" + erin.user))
                    .allSatisfy(s -> assertThat(s.get("expired").asBoolean()).isTrue());
            assertThat(status(bob, "/api/files/" + report + "/shares?asOf=" + enc(t5))).isEqualTo(403);

            // readers: what they could read then and may still read now
            assertThat(status(bob, "/api/files/" + report + "?asOf=" + enc(t4))).isEqualTo(404);
            assertThat(file(bob, report, t5).get("name").asString()).isEqualTo("final.txt");
            assertThat(status(dave, "/api/files/" + report + "?asOf=" + enc(t5))).isEqualTo(404); // revoked since
            assertThat(status(erin, "/api/files/" + report + "?asOf=" + enc(t5))).isEqualTo(404); // expired since
            assertThat(status(carol, "/api/files/" + report + "?asOf=" + enc(t5))).isEqualTo(404); // not yet in group
            assertThat(file(carol, report, t5b).get("name").asString()).isEqualTo("final.txt");
            assertThat(status(stranger, "/api/files/" + report + "?asOf=" + enc(t5))).isEqualTo(404);
            assertThat(status(stranger, "/api/files/" + report + "/versions?asOf=" + enc(t5))).isEqualTo(404);
            assertThat(stranger.sendBytes(stranger.request("/api/files/" + report + "/download?asOf=" + enc(t5))
                    .GET().build()).statusCode()).isEqualTo(404);

            // a purged file is gone from every past
            assertThat(status(alice, "/api/files/" + temp + "?asOf=" + enc(t2))).isEqualTo(404);
            assertThat(file(alice, other, t11).get("name").asString()).isEqualTo("other.txt");

            // what changed between two instants
            JsonNode all = data(alice.get("/api/files/changes?since=" + enc(t0) + "&until=" + enc(t11)));
            assertThat(all.get("pagination").get("total").asLong()).isEqualTo(3);
            assertThat(kinds(all, report)).containsExactly("created", "changed", "renamed", "moved", "shared",
                    "unshared", "trashed", "restored");
            assertThat(kinds(all, temp)).containsExactly("created", "trashed", "purged");
            assertThat(kinds(all, other)).containsExactly("created");
            JsonNode window = data(alice.get("/api/files/changes?since=" + enc(t3) + "&until=" + enc(t4)));
            assertThat(kinds(window, report)).containsExactly("renamed", "moved");
            JsonNode rename = list(entry(window, report).get("changes")).stream()
                    .filter(c -> c.get("kind").asString().equals("renamed")).findFirst().orElseThrow();
            assertThat(rename.get("details").get("from").asString()).isEqualTo("report.txt");
            assertThat(rename.get("details").get("to").asString()).isEqualTo("final.txt");
            assertThat(data(alice.get("/api/files/changes?since=" + enc(t3) + "&until=" + enc(t4))).get("files"))
                    .hasSize(1);
            JsonNode paged = data(alice.get("/api/files/changes?since=" + enc(t0) + "&until=" + enc(t11)
                    + "&limit=2"));
            assertThat(paged.get("files")).hasSize(2);
            assertThat(paged.get("pagination").get("hasMore").asBoolean()).isTrue();
            assertThat(data(stranger.get("/api/files/changes?since=" + enc(t0))).get("pagination").get("total")
                    .asLong()).isZero();

            // who could access the file then, and why
            List<JsonNode> access4 = access(alice, report, t4);
            assertThat(access4).filteredOn(a -> a.get("reason").asString().equals("owner"))
                    .extracting(a -> a.get("principal").asString()).containsExactly("user:" + alice.user);
            assertThat(access4).extracting(a -> a.get("reason").asString()).doesNotContain("directShare",
                    "groupShare");
            List<JsonNode> access5b = access(alice, report, t5b);
            assertThat(access5b).filteredOn(a -> a.get("reason").asString().equals("directShare"))
                    .extracting(a -> a.get("principal").asString()).containsExactlyInAnyOrder(
                            "user:" + bob.user, "user:" + dave.user, "user:" + erin.user);
            assertThat(access5b).filteredOn(a -> a.get("principal").asString().equals("user:" + carol.user))
                    .singleElement().satisfies(a -> {
                        assertThat(a.get("reason").asString()).isEqualTo("groupShare");
                        assertThat(a.get("group").asString()).isEqualTo(group);
                        assertThat(a.get("role").asString()).isEqualTo("editor");
                    });
            assertThat(access(alice, report, t5)).extracting(a -> a.get("principal").asString())
                    .doesNotContain("user:" + carol.user);
            assertThat(access(admin, report, t7)).filteredOn(a -> a.get("reason").asString().equals("directShare"))
                    .extracting(a -> a.get("principal").asString()).containsExactly("user:" + bob.user);
            assertThat(status(bob, "/api/files/" + report + "/access?at=" + enc(t5))).isEqualTo(403);
            assertThat(status(stranger, "/api/files/" + report + "/access?at=" + enc(t5))).isEqualTo(404);

            // what a user could read then
            JsonNode carol5 = data(admin.get("/api/admin/access?user=" + carol.user + "&at=" + enc(t5)));
            assertThat(carol5.get("files")).isEmpty();
            JsonNode carol5b = data(admin.get("/api/admin/access?user=" + carol.user + "&at=" + enc(t5b)));
            assertThat(strings(carol5b.get("groups"))).containsExactly(group);
            assertThat(list(carol5b.get("files"))).singleElement().satisfies(f -> {
                assertThat(f.get("fileId").asString()).isEqualTo(report);
                assertThat(f.get("role").asString()).isEqualTo("editor");
                assertThat(f.get("reason").asString()).isEqualTo("groupShare");
            });
            JsonNode alice2 = data(admin.get("/api/admin/access?user=" + alice.user + "&at=" + enc(t2)));
            assertThat(list(alice2.get("files"))).extracting(f -> f.get("reason").asString())
                    .containsOnly("owner");
            assertThat(alice2.get("pagination").get("total").asLong()).isEqualTo(2);
            assertThat(status(alice, "/api/admin/access?user=" + carol.user + "&at=" + enc(t5))).isEqualTo(403);
        });
    }

    @Test
    void rejectsInvalidAndFutureInstantsAsProblems() {
        String id = upload(alice, "x.txt", "x", null);
        for (String path : List.of("/api/files?asOf=", "/api/files/" + id + "?asOf=",
                "/api/files/" + id + "/versions?asOf=", "/api/files/changes?since=",
                "/api/files/" + id + "/access?at=")) {
            for (String value : List.of("yesterday", "2026-13-01T00:00:00Z", "2026-01-01T00:00:00",
                    enc(Instant.now().plus(Duration.ofDays(1))))) {
                HttpResponse<String> response = alice.get(path + value);
                assertThat(response.statusCode()).as(path + value + " " + response.body()).isEqualTo(400);
                assertThat(response.headers().firstValue("Content-Type").orElse(""))
                        .startsWith("application/problem+json");
            }
        }
        assertThat(alice.get("/api/files/changes").statusCode()).isEqualTo(400);
        for (String searchOnly : List.of("q=a", "facets=tags", "cursor=abc", "sort=relevance", "owner=someone-else",
                "minSize=-1", "mimeType=nonsense")) {
            assertThat(alice.get("/api/files?asOf=" + enc(Instant.now()) + "&" + searchOnly).statusCode())
                    .as(searchOnly).isEqualTo(400);
        }
        assertThat(alice.get("/api/files?asOf=" + enc(Instant.now()) + "&limit=0").statusCode()).isEqualTo(400);
        assertThat(alice.get("/api/files/changes?since=" + enc(Instant.now()) + "&until="
                + enc(Instant.now().minusSeconds(5))).statusCode()).isEqualTo(400);
    }

    // ---- helpers ----

    private static Instant step() throws InterruptedException {
        Thread.sleep(15);
        Instant now = Instant.now();
        Thread.sleep(15);
        return now;
    }

    private static String upload(Api api, String name, String content, String metadata) {
        HttpResponse<String> response = api.uploadMultipart(name, "text/plain", bytes(content), metadata);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return data(response).get("fileId").asString();
    }

    private String share(String id, String json) {
        HttpResponse<String> shared = alice.postJson("/api/files/" + id + "/share", json);
        assertThat(shared.statusCode()).as(shared.body()).isEqualTo(201);
        return data(shared).get("shareId").asString();
    }

    private static void ok(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    }

    private static List<String> names(Api api, String path) {
        String encoded = path.replaceFirst("asOf=([^&]+)", "asOf=" + enc(path.replaceFirst(".*asOf=([^&]+).*", "$1")));
        HttpResponse<String> response = api.get(encoded);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return list(data(response).get("files")).stream().map(f -> f.get("name").asString()).toList();
    }

    private static JsonNode file(Api api, String id, Instant at) {
        HttpResponse<String> response = api.get("/api/files/" + id + "?asOf=" + enc(at));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return data(response);
    }

    private static List<Integer> versions(Api api, String id, Instant at) {
        return list(data(api.get("/api/files/" + id + "/versions?asOf=" + enc(at))).get("versions")).stream()
                .map(v -> v.get("version").asInt()).toList();
    }

    private static String download(Api api, String id, String query) {
        HttpResponse<byte[]> response = api.sendBytes(api.request("/api/files/" + id + "/download?" + query)
                .GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static List<JsonNode> access(Api api, String id, Instant at) {
        HttpResponse<String> response = api.get("/api/files/" + id + "/access?at=" + enc(at));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return list(data(response).get("access"));
    }

    private static int status(Api api, String path) {
        HttpResponse<String> response = api.get(path);
        if (response.statusCode() >= 400) {
            assertThat(json(response).has("status")).as(response.body()).isTrue();
        }
        return response.statusCode();
    }

    private static JsonNode entry(JsonNode changes, String id) {
        return list(changes.get("files")).stream().filter(f -> f.get("fileId").asString().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no changes of " + id + " in " + changes));
    }

    private static List<String> kinds(JsonNode changes, String id) {
        return strings(entry(changes, id).get("kinds"));
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> result = new ArrayList<>();
        array.forEach(result::add);
        return result;
    }

    private static List<String> strings(JsonNode array) {
        return list(array).stream().map(JsonNode::asString).toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String enc(Object value) {
        return URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8);
    }

    /** The history view is a projection: retries the checks until they pass or 15 seconds went by. */
    private static void eventually(Runnable checks) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try {
                checks.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
