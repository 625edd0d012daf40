package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Sharing with users, public links, revocation and expiry, over HTTP. */
class SharingIT {

    private final Api owner = Api.newUser();
    private final Api friend = Api.newUser();

    private String share(String fileId, String json) {
        HttpResponse<String> shared = owner.postJson("/api/files/" + fileId + "/share", json);
        assertThat(shared.statusCode()).as(shared.body()).isEqualTo(201);
        return data(shared).get("shareId").asString();
    }

    private HttpResponse<String> publicGet(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(owner.app.uri(path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return owner.send(request.GET().build());
    }

    @Test
    void sharedFileAppearsForTheGranteeAndRevocationIsImmediate() {
        String id = owner.upload("shared.txt", "for a friend".getBytes(StandardCharsets.UTF_8));
        String shareId = share(id, "{\"userId\":\"" + friend.user + "\",\"role\":\"viewer\"}");

        assertThat(friend.get("/api/files/" + id + "/download").body()).isEqualTo("for a friend");
        assertThat(data(friend.get("/api/files/shared")).get("files").toString()).contains(id);
        JsonNode outgoing = data(owner.get("/api/files/shared?direction=out")).get("shares");
        assertThat(outgoing.toString()).contains(shareId).contains("user:" + friend.user);
        JsonNode permissions = data(owner.get("/api/files/" + id)).get("permissions");
        assertThat(permissions.get("owner").asString()).isEqualTo(owner.user);
        assertThat(permissions.get("read").toString()).contains("user:" + friend.user);
        assertThat(permissions.get("write").toString()).doesNotContain(friend.user);

        assertThat(owner.delete("/api/files/" + id + "/share/" + shareId).statusCode()).isEqualTo(200);

        assertThat(friend.get("/api/files/" + id).statusCode()).isEqualTo(404);
        assertThat(friend.get("/api/files/" + id + "/download").statusCode()).isEqualTo(404);
        assertThat(data(friend.get("/api/files/shared")).get("files").toString()).doesNotContain(id);
    }

    /** The file with id {@code id} in a listing answer's {@code files}, or null. */
    private static JsonNode fileIn(HttpResponse<String> listing, String id) {
        assertThat(listing.statusCode()).as(listing.body()).isEqualTo(200);
        for (JsonNode file : data(listing).get("files")) {
            if (file.get("fileId").asString().equals(id)) {
                return file;
            }
        }
        return null;
    }

    @Test
    void everyListingShowsTheSharesOfItsFilesAndListsOnlyWhatItsScopeHolds() {
        String tag = "t" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> uploaded = owner.uploadMultipart("listed.txt", "text/plain",
                "listed".getBytes(StandardCharsets.UTF_8), "{\"tags\":[\"" + tag + "\"]}");
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        String id = data(uploaded).get("fileId").asString();
        share(id, "{\"userId\":\"" + friend.user + "\",\"role\":\"editor\"}");
        String friendsOwn = friend.upload("friends-own.txt", "mine".getBytes(StandardCharsets.UTF_8));

        for (HttpResponse<String> listing : java.util.List.of(owner.get("/api/files?limit=100"),
                owner.get("/api/files?tags=" + tag), owner.get("/api/files/search?q=listed"),
                friend.get("/api/files/shared"), friend.get("/api/files/search?q=listed"),
                friend.get("/api/files?owner=" + owner.user))) {
            JsonNode file = fileIn(listing, id);
            assertThat(file).as(listing.uri() + " lists the file: " + listing.body()).isNotNull();
            JsonNode permissions = file.get("permissions");
            assertThat(permissions.get("owner").asString()).as(listing.uri().toString()).isEqualTo(owner.user);
            assertThat(permissions.get("read").toString()).as(listing.uri().toString()).contains("user:" + friend.user);
            assertThat(permissions.get("write").toString()).as(listing.uri().toString()).contains("user:" + friend.user);
            assertThat(permissions.get("admin").toString()).as(listing.uri().toString()).doesNotContain(friend.user);
        }
        // A listing (with or without filters) holds the caller's own files; shared ones are under /shared,
        // owner=<id> and search.
        assertThat(fileIn(friend.get("/api/files?limit=100"), id)).isNull();
        assertThat(fileIn(friend.get("/api/files?tags=" + tag), id)).isNull();
        assertThat(fileIn(friend.get("/api/files?sort=name"), friendsOwn)).isNotNull();
        assertThat(fileIn(friend.get("/api/files?sort=name"), id)).isNull();

        owner.delete("/api/files/" + id);
        JsonNode trashed = fileIn(owner.get("/api/trash"), id);
        assertThat(trashed).isNotNull();
        assertThat(trashed.get("permissions").get("read").toString()).contains("user:" + friend.user);
    }

    @Test
    void searchFindsSharedFilesForTheirGranteesOnly() throws InterruptedException {
        String word = "zebra" + UUID.randomUUID().toString().substring(0, 6);
        String id = owner.upload(word + ".txt", "searchable".getBytes(StandardCharsets.UTF_8));
        Api stranger = Api.newUser();
        assertThat(friend.get("/api/files/search?q=" + word).body()).doesNotContain(id);

        String shareId = share(id, "{\"userId\":\"" + friend.user + "\",\"role\":\"viewer\"}");
        share(id, "{\"userId\":\"" + stranger.user + "\",\"role\":\"viewer\",\"expiresInSeconds\":4}");

        assertThat(friend.get("/api/files/search?q=" + word).body()).contains(id);
        assertThat(stranger.get("/api/files/search?q=" + word).body()).as("an expiring share finds it").contains(id);
        assertThat(Api.newUser().get("/api/files/search?q=" + word).body()).doesNotContain(id);

        owner.delete("/api/files/" + id + "/share/" + shareId);
        assertThat(friend.get("/api/files/search?q=" + word).body()).as("revoked").doesNotContain(id);
        Thread.sleep(4500);
        assertThat(stranger.get("/api/files/search?q=" + word).body()).as("expired").doesNotContain(id);
        assertThat(owner.get("/api/files/search?q=" + word).body()).contains(id);
    }

    @Test
    void shareStopsWorkingAtItsExpiryInstant() throws InterruptedException {
        String id = owner.upload("brief.txt", "short lived".getBytes(StandardCharsets.UTF_8));
        share(id, "{\"userId\":\"" + friend.user + "\",\"role\":\"editor\",\"expiresInSeconds\":3}");

        assertThat(friend.get("/api/files/" + id).statusCode()).isEqualTo(200);
        Thread.sleep(3500);

        assertThat(friend.get("/api/files/" + id).statusCode()).isEqualTo(404);
        assertThat(friend.send(friend.request("/api/files/" + id).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("late edit")).build()).statusCode()).isEqualTo(404);
    }

    @Test
    void rejectsInvalidShareRequests() {
        String id = owner.upload("v.txt", "x".getBytes(StandardCharsets.UTF_8));

        assertThat(owner.postJson("/api/files/" + id + "/share", "{\"userId\":\"a\",\"role\":\"god\"}").statusCode())
                .isEqualTo(400);
        assertThat(owner.postJson("/api/files/" + id + "/share", "{\"role\":\"viewer\"}").statusCode()).isEqualTo(400);
        assertThat(owner.postJson("/api/files/" + id + "/share",
                "{\"userId\":\"a\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}").statusCode()).isEqualTo(400);
        assertThat(owner.postJson("/api/files/" + id + "/share", "{\"userId\":\"" + owner.user + "\"}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void publicLinkWithPasswordCountsDownloadsUpToItsLimit() {
        byte[] content = "public content 0123456789".getBytes(StandardCharsets.UTF_8);
        String id = owner.upload("public.txt", content);
        HttpResponse<String> created = owner.postJson("/api/files/" + id + "/share",
                "{\"public\":true,\"password\":\"open sesame\",\"maxDownloads\":3}");
        assertThat(created.statusCode()).isEqualTo(201);
        String url = data(created).get("url").asString();
        String token = data(created).get("token").asString();
        assertThat(token.length()).as("at least 128 bits of randomness").isGreaterThanOrEqualTo(22);

        assertThat(publicGet(url).statusCode()).isEqualTo(401);
        assertThat(publicGet(url, "X-Share-Password", "wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> meta = publicGet(url, "X-Share-Password", "open sesame");
        assertThat(meta.statusCode()).isEqualTo(200);
        assertThat(data(meta).get("name").asString()).isEqualTo("public.txt");
        assertThat(data(meta).get("downloadsRemaining").asInt()).isEqualTo(3);

        HttpResponse<String> range = publicGet(url + "/download", "X-Share-Password", "open sesame",
                "Range", "bytes=7-13");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo("content");
        assertThat(publicGet(url + "/download", "X-Share-Password", "open sesame").body())
                .isEqualTo(new String(content, StandardCharsets.UTF_8));
        HttpResponse<String> form = owner.send(HttpRequest.newBuilder(owner.app.uri(url + "/download"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("password=open+sesame")).build());
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(publicGet(url + "/download", "X-Share-Password", "open sesame").statusCode())
                .as("the limit of 3 downloads (a range counts as one) is used up").isEqualTo(410);
        assertThat(owner.app.log).content().as("the link's token never reaches the log").doesNotContain(token);
    }

    @Test
    void everyAnswerWithContentCountsSoNoRangeBypassesTheLimitAndARebuildKeepsTheCount() throws Exception {
        byte[] content = "limited content".getBytes(StandardCharsets.UTF_8);
        String id = owner.upload("limited.txt", content);
        HttpResponse<String> created = owner.postJson("/api/files/" + id + "/share",
                "{\"public\":true,\"maxDownloads\":3}");
        String url = data(created).get("url").asString();
        String shareId = data(created).get("shareId").asString();

        assertThat(publicGet(url + "/download", "Range", "bytes=-99999999").statusCode()).isEqualTo(206);
        assertThat(publicGet(url + "/download", "Range", "junk").statusCode()).isEqualTo(200);
        assertThat(publicGet(url + "/download", "If-Range", "\"not-the-etag\"", "Range", "bytes=1-").statusCode())
                .isEqualTo(200);
        for (String range : new String[] {"bytes=1-,0-0", "bytes=0-", "bytes=-1"}) {
            assertThat(publicGet(url + "/download", "Range", range).statusCode()).as(range).isEqualTo(410);
        }
        assertThat(publicGet(url + "/download").statusCode()).isEqualTo(410);
        awaitDownloadsRemaining(url, 0);

        // the count is in the event stream: the shares view rebuilt from the events has it again
        Api admin = new Api(owner.app, RunningApp.ADMIN);
        HttpResponse<String> rebuild = admin.post("/api/admin/projections/shares/rebuild");
        assertThat(rebuild.statusCode()).as(rebuild.body()).isEqualTo(202);
        String rebuildId = data(rebuild).get("id").asString();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        String state = "RUNNING";
        while (state.equals("RUNNING") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            for (JsonNode r : data(admin.get("/api/admin/projections")).get("rebuilds")) {
                if (r.get("id").asString().equals(rebuildId)) {
                    state = r.get("state").asString();
                }
            }
        }
        assertThat(state).isEqualTo("COMPLETED");
        awaitDownloadsRemaining(url, 0);
        assertThat(publicGet(url + "/download").statusCode()).isEqualTo(410);
        JsonNode listed = null;
        for (JsonNode share : data(owner.get("/api/files/" + id + "/shares")).get("shares")) {
            if (share.get("shareId").asString().equals(shareId)) {
                listed = share;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.get("downloads").asInt()).isEqualTo(3);
    }

    private void awaitDownloadsRemaining(String url, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        int remaining = -1;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> meta = publicGet(url);
            if (meta.statusCode() == 200) {
                remaining = data(meta).get("downloadsRemaining").asInt();
                if (remaining == expected) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        assertThat(remaining).as("downloads remaining").isEqualTo(expected);
    }

    @Test
    void wrongPasswordsAreRateLimitedPerLink() {
        String id = owner.upload("guarded.txt", "x".getBytes(StandardCharsets.UTF_8));
        String url = data(owner.postJson("/api/files/" + id + "/share", "{\"public\":true,\"password\":\"right one\"}"))
                .get("url").asString();

        for (int i = 0; i < 5; i++) {
            assertThat(publicGet(url, "X-Share-Password", "guess " + i).statusCode()).isEqualTo(401);
        }
        // past the free budget each further wrong guess doubles the wait (1 s, 2 s, 4 s, ...): soon a 429
        HttpResponse<String> limited = null;
        for (int i = 0; i < 12 && limited == null; i++) {
            HttpResponse<String> answer = publicGet(url, "X-Share-Password", "more guessing " + i);
            if (answer.statusCode() == 429) {
                limited = answer;
            } else {
                assertThat(answer.statusCode()).isEqualTo(401);
            }
        }

        assertThat(limited).as("guessing is throttled").isNotNull();
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(limited.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void expiredRevokedAndDeletedLinksStopWorking() throws InterruptedException {
        String id = owner.upload("temp.txt", "y".getBytes(StandardCharsets.UTF_8));
        long created = System.nanoTime();
        String expiring = data(owner.postJson("/api/files/" + id + "/share", "{\"public\":true,\"expiresInSeconds\":6}"))
                .get("url").asString();
        assertThat(publicGet(expiring + "/download").statusCode()).isEqualTo(200);
        HttpResponse<String> revocable = owner.postJson("/api/files/" + id + "/share", "{\"public\":true}");
        String revocableUrl = data(revocable).get("url").asString();
        String revocableId = data(revocable).get("shareId").asString();
        String goneId = owner.upload("gone.txt", "z".getBytes(StandardCharsets.UTF_8));
        String deletedUrl = data(owner.postJson("/api/files/" + goneId + "/share", "{\"public\":true}"))
                .get("url").asString();
        assertThat(publicGet(revocableUrl).statusCode()).isEqualTo(200);
        assertThat(publicGet(deletedUrl).statusCode()).isEqualTo(200);

        owner.delete("/api/files/" + id + "/share/" + revocableId);
        owner.delete("/api/files/" + goneId);
        long waited = (System.nanoTime() - created) / 1_000_000;
        Thread.sleep(Math.max(0, 6500 - waited));

        assertThat(publicGet(expiring + "/download").statusCode()).isEqualTo(410);
        assertThat(publicGet(revocableUrl).statusCode()).isEqualTo(404);
        assertThat(publicGet(deletedUrl).statusCode()).isEqualTo(404);
        assertThat(publicGet("/s/" + UUID.randomUUID().toString().replace("-", "")).statusCode()).isEqualTo(404);
    }
}
