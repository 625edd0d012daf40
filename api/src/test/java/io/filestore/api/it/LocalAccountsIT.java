package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The service with local accounts only (no trusted gateway header, no JWTs): a share names an existing account,
 * and an account created later under a name nobody had does not inherit anything.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalAccountsIT {

    private RunningApp app;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    void startApplication() {
        String databaseUrl = TestServices.databaseUrl("local_accounts_it");
        String indexPrefix = io.filestore.testsupport.TestServicesSource.services().indexPrefix() + "-local";
        TestServices.recreateDatabase(databaseUrl);
        TestServices.deleteIndices(indexPrefix);
        app = RunningApp.dedicated("local-accounts", Map.of(
                "FILESTORE_DB_URL", databaseUrl,
                "FILESTORE_ELASTICSEARCH_INDEX_PREFIX", indexPrefix,
                "FILESTORE_SECURITY_TRUSTED_HEADER", "",
                "FILESTORE_SECURITY_JWT_PUBLIC_KEY_LOCATION", "",
                "FILESTORE_SECURITY_JWT_ISSUER", "",
                "FILESTORE_DB_POOL_SIZE", "5"));
    }

    @AfterAll
    void stopApplication() throws InterruptedException {
        if (app != null) {
            app.stop();
        }
    }

    private HttpResponse<String> send(String user, String password, HttpRequest.Builder request) {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new Api(app, user).send(request.header("Authorization", "Basic " + basic).build());
    }

    private HttpResponse<String> postJson(String user, String password, String path, String json) {
        return send(user, password, HttpRequest.newBuilder(app.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private void createUser(String user, String password) {
        HttpResponse<String> created = postJson(RunningApp.ADMIN, RunningApp.ADMIN_PASSWORD, "/api/admin/users",
                "{\"userId\":\"" + user + "\",\"password\":\"" + password + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    @Test
    void sharingWithAUserWithoutAnAccountIs404AndALaterAccountOfThatNameSeesNothing() {
        String alice = "alice-" + suffix;
        String bob = "bob-" + suffix;
        String ghost = "ghost-" + suffix;
        String password = "a long enough password";
        createUser(alice, password);
        createUser(bob, password);

        Multipart body = new Multipart();
        body.file("file", "mine.txt", "text/plain", "mine".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> uploaded = send(alice, password, HttpRequest.newBuilder(app.uri("/api/files/upload"))
                .header("Content-Type", body.contentType()).POST(body.publisher()));
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        String id = data(uploaded).get("fileId").asString();

        HttpResponse<String> toGhost = postJson(alice, password, "/api/files/" + id + "/share",
                "{\"userId\":\"" + ghost + "\",\"role\":\"viewer\"}");
        assertThat(toGhost.statusCode()).as(toGhost.body()).isEqualTo(404);
        assertThat(toGhost.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");

        HttpResponse<String> toBob = postJson(alice, password, "/api/files/" + id + "/share",
                "{\"userId\":\"" + bob + "\",\"role\":\"viewer\"}");
        assertThat(toBob.statusCode()).as(toBob.body()).isEqualTo(201);

        createUser(ghost, password);
        HttpResponse<String> ghostReads = send(ghost, password,
                HttpRequest.newBuilder(app.uri("/api/files/" + id)).GET());
        assertThat(ghostReads.statusCode()).isEqualTo(404);
        HttpResponse<String> bobReads = send(bob, password, HttpRequest.newBuilder(app.uri("/api/files/" + id)).GET());
        assertThat(bobReads.statusCode()).isEqualTo(200);
    }
}
