package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code Idempotency-Key} on the JSON writes (shares, links, rollback, tokens, accounts) and new versions: a retry with the same key
 * and request answers the same without doing it twice, the key with another request is 422, keys are per caller,
 * a refused request does not keep its key.
 */
class IdempotentWritesIT {

    private final Api alice = Api.newUser();
    private final Api bob = Api.newUser();

    private static String key() {
        return "\"" + UUID.randomUUID() + "\"";
    }

    private static HttpResponse<String> post(Api api, String key, String path, String json) {
        HttpRequest.Builder request = api.request(path).header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return api.send(request.build());
    }

    private int shareCount(Api api, String fileId) {
        return data(api.get("/api/files/" + fileId + "/shares")).get("shares").size();
    }

    @Test
    void aRetriedLinkAnswersTheSameAndIsCreatedOnce() {
        String id = alice.upload("linked.txt", "linked".getBytes(StandardCharsets.UTF_8));
        String key = key();
        HttpResponse<String> first = post(alice, key, "/api/files/" + id + "/share", "{\"public\":true}");
        HttpResponse<String> retry = post(alice, key, "/api/files/" + id + "/share", "{\"public\":true}");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(data(retry)).isEqualTo(data(first));
        assertThat(shareCount(alice, id)).isEqualTo(1);

        assertThat(post(alice, null, "/api/files/" + id + "/share", "{\"public\":true}").statusCode())
                .as("no key: a second link").isEqualTo(201);
        assertThat(shareCount(alice, id)).isEqualTo(2);
    }

    @Test
    void theKeyWithAnotherRequestIs422() {
        String id = alice.upload("other.txt", "other".getBytes(StandardCharsets.UTF_8));
        String key = key();
        assertThat(post(alice, key, "/api/files/" + id + "/share", "{\"public\":true}").statusCode()).isEqualTo(201);

        HttpResponse<String> otherBody = post(alice, key, "/api/files/" + id + "/share",
                "{\"public\":true,\"maxDownloads\":3}");
        assertThat(otherBody.statusCode()).isEqualTo(422);
        assertThat(otherBody.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(post(alice, key, "/api/me/tokens", "{\"name\":\"t\"}").statusCode())
                .as("another endpoint").isEqualTo(422);
        assertThat(shareCount(alice, id)).isEqualTo(1);
    }

    @Test
    void keysBelongToTheirCaller() {
        String aliceFile = alice.upload("a.txt", "a".getBytes(StandardCharsets.UTF_8));
        String bobFile = bob.upload("b.txt", "b".getBytes(StandardCharsets.UTF_8));
        String key = key();
        assertThat(post(alice, key, "/api/files/" + aliceFile + "/share", "{\"public\":true}").statusCode())
                .isEqualTo(201);
        HttpResponse<String> bobs = post(bob, key, "/api/files/" + bobFile + "/share", "{\"public\":true}");
        assertThat(bobs.statusCode()).as(bobs.body()).isEqualTo(201);
        assertThat(bobs.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(shareCount(bob, bobFile)).isEqualTo(1);
    }

    @Test
    void aRefusedRequestDoesNotKeepItsKey() {
        String id = alice.upload("refused.txt", "refused".getBytes(StandardCharsets.UTF_8));
        String key = key();
        HttpResponse<String> bad = post(alice, key, "/api/files/" + id + "/share", "{\"public\":true,\"bogus\":1}");
        assertThat(bad.statusCode()).isEqualTo(400);
        HttpResponse<String> corrected = post(alice, key, "/api/files/" + id + "/share", "{\"public\":true}");
        assertThat(corrected.statusCode()).as(corrected.body()).isEqualTo(201);
        assertThat(corrected.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }

    @Test
    void aRetriedRollbackMakesOneNewVersion() {
        String id = alice.upload("rolled.txt", "v1".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> v2 = alice.send(alice.request("/api/files/" + id).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("v2")).build());
        assertThat(v2.statusCode()).as(v2.body()).isEqualTo(200);
        String key = key();
        HttpResponse<String> first = post(alice, key, "/api/files/" + id + "/versions/1/restore", null);
        HttpResponse<String> retry = post(alice, key, "/api/files/" + id + "/versions/1/restore", null);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(data(retry).get("version").asInt()).isEqualTo(3);
        assertThat(data(alice.get("/api/files/" + id)).get("version").asInt()).isEqualTo(3);
    }

    private static HttpResponse<String> putVersion(Api api, String key, String fileId, String content) {
        return api.send(api.request("/api/files/" + fileId).header("Content-Type", "text/plain")
                .header("Idempotency-Key", key).PUT(HttpRequest.BodyPublishers.ofString(content)).build());
    }

    @Test
    void aRetriedNewVersionIsAddedOnce() {
        String id = alice.upload("versioned.txt", "v1".getBytes(StandardCharsets.UTF_8));
        String key = key();
        HttpResponse<String> first = putVersion(alice, key, id, "v2");
        HttpResponse<String> retry = putVersion(alice, key, id, "v2");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(data(retry)).isEqualTo(data(first));
        assertThat(data(alice.get("/api/files/" + id)).get("version").asInt()).isEqualTo(2);
        assertThat(putVersion(alice, key, id, "other content").statusCode()).isEqualTo(422);
        assertThat(data(alice.get("/api/files/" + id)).get("version").asInt()).isEqualTo(2);
    }

    @Test
    void aRetriedTokenCreationAnswersTheSameToken() {
        Api admin = new Api(RunningApp.ADMIN);
        String user = "idem-" + UUID.randomUUID().toString().substring(0, 8);
        String key = key();
        String account = "{\"userId\":\"" + user + "\",\"displayName\":\"I\",\"password\":\"a-long-password-1\"}";
        HttpResponse<String> created = post(admin, key, "/api/admin/users", account);
        HttpResponse<String> again = post(admin, key, "/api/admin/users", account);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(again.statusCode()).as("not 409 'exists': the first answer again").isEqualTo(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");

        Api owner = new Api(user);
        String tokenKey = key();
        HttpResponse<String> token = post(owner, tokenKey, "/api/me/tokens", "{\"name\":\"ci\"}");
        HttpResponse<String> tokenAgain = post(owner, tokenKey, "/api/me/tokens", "{\"name\":\"ci\"}");
        assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
        assertThat(data(tokenAgain).get("tokenId")).isEqualTo(data(token).get("tokenId"));
        assertThat(data(owner.get("/api/me/tokens")).get("tokens").size()).isEqualTo(1);
        assertThat(data(tokenAgain).get("token").asString()).isEqualTo(data(token).get("token").asString());

        // the table holds neither the client's key nor the token it answered, only what a retry can open
        String secret = data(token).get("token").asString();
        try (java.sql.Connection c = RunningApp.database();
             java.sql.PreparedStatement s = c.prepareStatement(
                     "SELECT key, body FROM idempotency_key WHERE caller = ?")) {
            s.setString(1, user);
            try (java.sql.ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("key")).isNotEqualTo(tokenKey).hasSize(64);
                assertThat(rs.getString("body")).startsWith("v1:").doesNotContain(secret)
                        .doesNotContain(data(token).get("tokenId").asString());
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }
}
