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
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The audit trail over HTTP: a file's history for its owner and administrators, the trail across files. */
class AuditTrailIT {

    private final Api alice = Api.newUser();
    private final Api bob = Api.newUser();
    private final Api admin = new Api(RunningApp.ADMIN);

    @Test
    void historyListsEveryChangeAndDownloadNewestFirstWithWhoWhenAndWhat() throws Exception {
        Instant start = Instant.now();
        String id = alice.upload("notes.txt", "one".getBytes(StandardCharsets.UTF_8));
        ok(alice.send(alice.request("/api/files/" + id).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("two")).build()));
        ok(alice.post("/api/files/" + id + "/versions/1/restore"));
        ok(alice.postJson("/api/files/" + id + "/metadata",
                "{\"name\":\"renamed.txt\",\"tags\":[\"a\"],\"attributes\":{\"k\":\"v\"}}"));
        ok(alice.delete("/api/files/" + id));
        ok(alice.post("/api/trash/" + id + "/restore"));
        assertThat(alice.sendBytes(alice.request("/api/files/" + id + "/download").GET().build()).statusCode())
                .isEqualTo(200);
        assertThat(alice.sendBytes(alice.request("/api/files/" + id + "/download").header("Range", "bytes=0-0")
                .GET().build()).statusCode()).isEqualTo(206);
        assertThat(alice.sendBytes(alice.request("/api/files/" + id + "/download")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(200);

        List<JsonNode> entries = awaitHistory(alice, id, 8);

        assertThat(entries).extracting(e -> e.get("action").asString())
                .containsExactly("download", "download", "restore", "delete", "metadata", "rollback", "version",
                        "upload");
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.get("actor").asString()).isEqualTo(alice.user);
            assertThat(e.get("fileId").asString()).isEqualTo(id);
            assertThat(Instant.parse(e.get("at").asString())).isAfterOrEqualTo(start.minusSeconds(1));
        });
        for (int i = 1; i < entries.size(); i++) {
            assertThat(Instant.parse(entries.get(i - 1).get("at").asString()))
                    .isAfterOrEqualTo(Instant.parse(entries.get(i).get("at").asString()));
        }
        assertThat(entries.get(0).get("details").get("partial").asBoolean()).isTrue();
        assertThat(entries.get(0).get("details").get("version").asInt()).isEqualTo(3);
        assertThat(entries.get(1).get("details").get("partial").asBoolean()).isFalse();
        JsonNode changes = entries.get(4).get("details").get("changes");
        assertThat(changes.get("name").get("from").asString()).isEqualTo("notes.txt");
        assertThat(changes.get("name").get("to").asString()).isEqualTo("renamed.txt");
        assertThat(changes.get("tags").get("to").toString()).isEqualTo("[\"a\"]");
        assertThat(changes.get("attributes").get("k").get("to").asString()).isEqualTo("v");
        assertThat(changes.has("folder")).isFalse();
        assertThat(entries.get(5).get("details").get("restoredFrom").asInt()).isEqualTo(1);
        assertThat(entries.get(5).get("details").get("version").asInt()).isEqualTo(3);
        assertThat(entries.get(6).get("details").get("checksum").asString())
                .isEqualTo("sha256:" + Api.sha256("two".getBytes(StandardCharsets.UTF_8)));
        assertThat(entries.get(7).get("details").get("name").asString()).isEqualTo("notes.txt");

        HttpResponse<String> page = alice.get("/api/files/" + id + "/history?limit=3&offset=3");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(data(page).get("entries")).extracting(e -> e.get("action").asString())
                .containsExactly("delete", "metadata", "rollback");
        assertThat(data(page).get("pagination").get("hasMore").asBoolean()).isTrue();
        HttpResponse<String> last = alice.get("/api/files/" + id + "/history?limit=3&offset=6");
        assertThat(data(last).get("pagination").get("hasMore").asBoolean()).isFalse();
    }

    @Test
    void historyIsTheOwnersAndTheAdministratorsAndOutlivesAPurge() {
        String id = alice.upload("private.txt", "secret".getBytes(StandardCharsets.UTF_8));
        awaitHistory(alice, id, 1); // the audit view follows the event store within moments
        assertThat(bob.get("/api/files/" + id + "/history").statusCode()).isEqualTo(404);
        assertThat(admin.get("/api/files/" + id + "/history").statusCode()).isEqualTo(200);
        assertThat(alice.get("/api/files/" + java.util.UUID.randomUUID() + "/history").statusCode()).isEqualTo(404);
        assertThat(alice.get("/api/files/not-a-uuid/history").statusCode()).isEqualTo(400);
        assertThat(alice.get("/api/files/" + id + "/history?limit=0").statusCode()).isEqualTo(400);
        assertThat(alice.get("/api/files/" + id + "/history?limit=101").statusCode()).isEqualTo(400);

        ok(alice.delete("/api/files/" + id));
        ok(alice.delete("/api/trash/" + id));
        assertThat(alice.get("/api/files/" + id).statusCode()).isEqualTo(404);
        List<JsonNode> entries = awaitHistory(alice, id, 3);
        assertThat(entries).extracting(e -> e.get("action").asString()).containsExactly("purge", "delete", "upload");
        assertThat(entries.get(0).get("details").get("retentionExpired").asBoolean()).isFalse();
        assertThat(bob.get("/api/files/" + id + "/history").statusCode()).isEqualTo(404);
    }

    @Test
    void theTrailAcrossFilesIsForAdministratorsFilteredByActorFileTypeAndTime() throws Exception {
        Instant before = Instant.now();
        String a = alice.upload("a.txt", "a".getBytes(StandardCharsets.UTF_8));
        String b = bob.upload("b.txt", "b".getBytes(StandardCharsets.UTF_8));
        ok(alice.postJson("/api/files/" + a + "/metadata", "{\"description\":\"x\"}"));
        ok(bob.postJson("/api/files/" + b + "/metadata", "{\"description\":\"y\"}"));
        Thread.sleep(5);
        Instant after = Instant.now();

        assertThat(alice.get("/api/audit").statusCode()).isEqualTo(403);

        List<JsonNode> byAlice = entries(admin.get("/api/audit?actor=" + alice.user));
        assertThat(byAlice).extracting(e -> e.get("action").asString()).containsExactly("metadata", "upload");
        List<JsonNode> metadataOfB = entries(admin.get("/api/audit?fileId=" + b + "&type=metadata"));
        assertThat(metadataOfB).hasSize(1);
        assertThat(metadataOfB.get(0).get("actor").asString()).isEqualTo(bob.user);
        List<JsonNode> inRange = entries(admin.get("/api/audit?limit=100&from=" + enc(before) + "&to=" + enc(after)));
        assertThat(inRange).extracting(e -> e.get("fileId").asString()).contains(a, b);
        assertThat(entries(admin.get("/api/audit?actor=" + alice.user + "&to=" + enc(before)))).isEmpty();
        assertThat(entries(admin.get("/api/audit?actor=" + alice.user + "&limit=1")).size()).isEqualTo(1);
        assertThat(data(admin.get("/api/audit?actor=" + alice.user + "&limit=1")).get("pagination")
                .get("hasMore").asBoolean()).isTrue();

        HttpResponse<String> badType = admin.get("/api/audit?type=teleport");
        assertThat(badType.statusCode()).isEqualTo(400);
        assertThat(json(badType).get("parameter").asString()).isEqualTo("type");
        assertThat(admin.get("/api/audit?from=yesterday").statusCode()).isEqualTo(400);
        assertThat(admin.get("/api/audit?from=" + enc(after) + "&to=" + enc(before)).statusCode()).isEqualTo(400);
        assertThat(admin.get("/api/audit?actor=" + enc("no spaces")).statusCode()).isEqualTo(400);
    }

    @Test
    void accountsPasswordsGroupsTokensAndPublicLinkDownloadsAreInTheTrailWithTheClientAddress() throws Exception {
        String userId = "acct-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        ok(admin.postJson("/api/admin/users", "{\"userId\":\"" + userId + "\",\"displayName\":\"Acct\","
                + "\"password\":\"a long password\",\"systemAdmin\":false}"));
        ok(admin.postJson("/api/admin/users/" + userId + "/password", "{\"newPassword\":\"another long one\"}"));
        ok(admin.send(admin.request("/api/admin/users/" + userId + "/groups").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"groups\":[\"ops\",\"finance\"]}")).build()));
        ok(admin.post("/api/admin/users/" + userId + "/disable"));
        ok(admin.post("/api/admin/users/" + userId + "/enable"));
        Api user = new Api(userId);
        HttpResponse<String> issued = user.postJson("/api/me/tokens", "{\"name\":\"laptop\",\"expiresInDays\":1}");
        ok(issued);
        String tokenId = data(issued).get("tokenId").asString();
        String token = data(issued).get("token").asString();
        ok(user.delete("/api/me/tokens/" + tokenId));
        String file = user.upload("linked.txt", "linked content".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> link = user.postJson("/api/files/" + file + "/share", "{\"public\":true}");
        assertThat(link.statusCode()).as(link.body()).isEqualTo(201);
        String shareId = data(link).get("shareId").asString();
        HttpResponse<String> fetched = Api.HTTP.send(HttpRequest.newBuilder(user.app.uri(
                data(link).get("url").asString() + "/download")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(fetched.body()).isEqualTo("linked content");

        List<JsonNode> aboutUser = awaitAudit("target=user:" + userId, 5);
        assertThat(aboutUser).extracting(e -> e.get("action").asString())
                .containsExactly("user-enable", "user-disable", "groups-set", "password-set", "user-create");
        assertThat(aboutUser).allSatisfy(e -> {
            assertThat(e.get("actor").asString()).isEqualTo(RunningApp.ADMIN);
            assertThat(e.get("target").asString()).isEqualTo("user:" + userId);
            assertThat(e.get("clientAddress").asString()).isEqualTo("127.0.0.1");
            assertThat(e.path("fileId").isMissingNode() || e.get("fileId").isNull()).isTrue();
        });
        assertThat(aboutUser.get(2).get("details").get("groups").toString()).isEqualTo("[\"finance\",\"ops\"]");
        assertThat(aboutUser.get(3).get("details").get("reset").asBoolean()).isTrue();

        List<JsonNode> aboutToken = awaitAudit("target=token:" + tokenId, 2);
        assertThat(aboutToken).extracting(e -> e.get("action").asString())
                .containsExactly("token-revoke", "token-issue");
        assertThat(aboutToken.get(1).get("actor").asString()).isEqualTo(userId);
        assertThat(aboutToken.get(1).get("details").get("name").asString()).isEqualTo("laptop");

        List<JsonNode> linkDownloads = awaitAudit("target=link:" + shareId, 1);
        assertThat(linkDownloads.get(0).get("action").asString()).isEqualTo("link-download");
        assertThat(linkDownloads.get(0).path("actor").isMissingNode() || linkDownloads.get(0).get("actor").isNull())
                .isTrue();
        assertThat(linkDownloads.get(0).get("fileId").asString()).isEqualTo(file);
        assertThat(linkDownloads.get(0).get("clientAddress").asString()).isEqualTo("127.0.0.1");
        // the file's owner sees the link's downloads in the file's history
        assertThat(awaitHistory(user, file, 3)).extracting(e -> e.get("action").asString())
                .containsExactly("link-download", "share", "upload");

        String trail = admin.get("/api/audit?limit=100&actor=" + userId).body() + aboutUser + aboutToken;
        assertThat(trail).doesNotContain(token).doesNotContain("a long password").doesNotContain("another long one")
                .doesNotContain("bcrypt");
        assertThat(admin.get("/api/audit?target=" + enc("user:no spaces")).statusCode()).isEqualTo(400);
        assertThat(admin.get("/api/audit?target=tenant:1").statusCode()).isEqualTo(400);
    }

    private List<JsonNode> awaitAudit(String filter, int expected) {
        return awaitEntries(admin, "/api/audit?limit=100&" + filter, expected);
    }

    private List<JsonNode> awaitHistory(Api user, String id, int expected) {
        return awaitEntries(user, "/api/files/" + id + "/history?limit=100", expected);
    }

    /** The entries {@code path} answers, once there are at least {@code expected} (within 30 seconds). */
    private static List<JsonNode> awaitEntries(Api caller, String path, int expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<JsonNode> entries = List.of();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = caller.get(path);
            if (answer.statusCode() == 200) {
                entries = entries(answer);
                if (entries.size() >= expected) {
                    return entries;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError(path + " has " + entries.size() + " entries, expected " + expected + ": "
                + entries);
    }

    private static List<JsonNode> entries(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> list = new ArrayList<>();
        data(response).get("entries").forEach(list::add);
        return list;
    }

    private static String enc(Object value) {
        return URLEncoder.encode(value.toString(), StandardCharsets.UTF_8);
    }

    private static void ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    }
}
