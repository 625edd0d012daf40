package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Real authentication: passwords (Basic), personal API tokens (Bearer), administration, secrets never stored. */
class SecurityIT {

    private final RunningApp app = RunningApp.get();
    private final Api http = new Api("unused");

    private HttpRequest.Builder as(String user, String password, String path) {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(app.uri(path)).header("Authorization", "Basic " + basic);
    }

    private HttpRequest.Builder bearer(String token, String path) {
        return HttpRequest.newBuilder(app.uri(path)).header("Authorization", "Bearer " + token);
    }

    private HttpResponse<String> json(HttpRequest.Builder request, String body) {
        return http.send(request.header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private String newUser(String password) {
        String user = "sec-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = json(as(RunningApp.ADMIN, RunningApp.ADMIN_PASSWORD, "/api/admin/users"),
                "{\"userId\":\"" + user + "\",\"displayName\":\"Test User\",\"password\":\"" + password + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return user;
    }

    @Test
    void bootstrappedAdministratorLogsInWithTheConfiguredPassword() {
        HttpResponse<String> me = http.send(as(RunningApp.ADMIN, RunningApp.ADMIN_PASSWORD, "/api/me").GET().build());

        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(data(me).get("systemAdmin").asBoolean()).isTrue();
    }

    @Test
    void wrongOrMissingCredentialsGet401WithAChallenge() {
        HttpResponse<String> wrong = http.send(as(RunningApp.ADMIN, "not-the-password", "/api/files").GET().build());
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(app.uri("/api/files")).GET().build());
        HttpResponse<String> badToken = http.send(bearer("fst_nope", "/api/files").GET().build());

        for (HttpResponse<String> response : new HttpResponse[]{wrong, none, badToken}) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate").orElse("")).contains("Basic");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(Api.json(response).get("success").asBoolean()).isFalse();
        }
    }

    @Test
    void createdUserWorksWithPasswordAndOnlyAdminsAdminister() {
        String password = "correct horse battery";
        String user = newUser(password);

        HttpResponse<String> upload = http.send(as(user, password, "/api/files/upload?name=a.txt")
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("mine")).build());
        assertThat(upload.statusCode()).isEqualTo(201);
        assertThat(data(upload).get("owner").asString()).isEqualTo(user);
        String id = data(upload).get("fileId").asString();
        assertThat(http.send(as(user, password, "/api/files/" + id).GET().build()).statusCode()).isEqualTo(200);

        assertThat(http.send(as(user, password, "/api/admin/users").GET().build()).statusCode()).isEqualTo(403);
        assertThat(json(as(user, password, "/api/admin/users"), "{\"userId\":\"x1\",\"password\":\"0123456789\"}")
                .statusCode()).isEqualTo(403);
        assertThat(json(as(RunningApp.ADMIN, RunningApp.ADMIN_PASSWORD, "/api/admin/users"),
                "{\"userId\":\"" + user + "\",\"password\":\"0123456789ab\"}").statusCode()).isEqualTo(409);
        assertThat(json(as(RunningApp.ADMIN, RunningApp.ADMIN_PASSWORD, "/api/admin/users"),
                "{\"userId\":\"short-pw\",\"password\":\"123\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void guessingAnAccountPasswordIsThrottledButTheOwnersTokenKeepsWorking() {
        String password = "guessed account password";
        String user = newUser(password);
        HttpResponse<String> issued = json(as(user, password, "/api/me/tokens"), "{\"name\":\"phone\"}");
        String token = data(issued).get("token").asString();

        HttpResponse<String> limited = null;
        for (int i = 0; i < 20 && limited == null; i++) {
            HttpResponse<String> answer = http.send(as(user, "guess " + i, "/api/me").GET().build());
            if (answer.statusCode() == 429) {
                assertThat(i).as("the first five guesses are free").isGreaterThanOrEqualTo(5);
                limited = answer;
            } else {
                assertThat(answer.statusCode()).as("guess %d", i).isEqualTo(401);
            }
        }

        assertThat(limited).as("guessing is throttled").isNotNull();
        assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isPositive();
        assertThat(limited.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(http.send(bearer(token, "/api/me").GET().build()).statusCode())
                .as("the owner is not locked out").isEqualTo(200);
    }

    @Test
    void personalTokensAuthenticateUntilRevoked() {
        String password = "token owner password";
        String user = newUser(password);

        HttpResponse<String> issued = json(as(user, password, "/api/me/tokens"), "{\"name\":\"laptop\",\"expiresInDays\":30}");
        assertThat(issued.statusCode()).isEqualTo(201);
        String token = data(issued).get("token").asString();
        String tokenId = data(issued).get("tokenId").asString();
        assertThat(token).startsWith("fst_").hasSizeGreaterThanOrEqualTo(4 + 43);

        assertThat(http.send(bearer(token, "/api/me").GET().build()).statusCode()).isEqualTo(200);
        HttpResponse<String> listed = http.send(bearer(token, "/api/me/tokens").GET().build());
        assertThat(listed.body()).contains(tokenId).contains("laptop").doesNotContain(token);

        assertThat(http.send(bearer(token, "/api/me/tokens/" + tokenId).DELETE().build()).statusCode()).isEqualTo(200);
        assertThat(http.send(bearer(token, "/api/me").GET().build()).statusCode()).isEqualTo(401);
        assertThat(json(as(user, password, "/api/me/tokens"), "{\"expiresInDays\":100000}").statusCode()).isEqualTo(400);
    }

    @Test
    void shortLivedTokensExpireInSecondsAndScriptsGetNoBasicChallenge() {
        String password = "short token password";
        String user = newUser(password);

        java.time.Instant before = java.time.Instant.now();
        HttpResponse<String> issued = json(as(user, password, "/api/me/tokens"), "{\"name\":\"web\",\"expiresInSeconds\":120}");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        java.time.Instant expiresAt = java.time.Instant.parse(data(issued).get("expiresAt").asString());
        assertThat(expiresAt).isBetween(before.plusSeconds(119), java.time.Instant.now().plusSeconds(121));
        assertThat(http.send(bearer(data(issued).get("token").asString(), "/api/me").GET().build()).statusCode())
                .isEqualTo(200);
        for (String body : List.of("{\"expiresInSeconds\":59}", "{\"expiresInSeconds\":120,\"expiresInDays\":1}",
                "{\"expiresInSeconds\":99999999999}")) {
            HttpResponse<String> refused = json(as(user, password, "/api/me/tokens"), body);
            assertThat(refused.statusCode()).as(body).isEqualTo(400);
            assertThat(refused.body()).as(body).contains("expiresInSeconds");
        }

        HttpResponse<String> script = http.send(HttpRequest.newBuilder(RunningApp.get().uri("/api/me"))
                .header("X-Requested-With", "XMLHttpRequest").GET().build());
        assertThat(script.statusCode()).isEqualTo(401);
        assertThat(script.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"filestore\"");
    }

    @Test
    void disabledUsersAreLockedOutUntilEnabled() {
        String password = "soon disabled pass";
        String user = newUser(password);
        String token = data(json(as(user, password, "/api/me/tokens"), "{}")).get("token").asString();

        assertThat(http.send(as(RunningApp.ADMIN, RunningApp.ADMIN_PASSWORD, "/api/admin/users/" + user + "/disable")
                .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(200);

        assertThat(http.send(as(user, password, "/api/me").GET().build()).statusCode()).isEqualTo(401);
        assertThat(http.send(bearer(token, "/api/me").GET().build()).statusCode()).isEqualTo(401);
        assertThat(http.send(HttpRequest.newBuilder(app.uri("/api/me")).header("X-User-Id", user).GET().build())
                .statusCode()).as("a trusted gateway header naming a disabled user").isEqualTo(401);

        assertThat(http.send(as(RunningApp.ADMIN, RunningApp.ADMIN_PASSWORD, "/api/admin/users/" + user + "/enable")
                .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(200);
        assertThat(http.send(as(user, password, "/api/me").GET().build()).statusCode()).isEqualTo(200);
    }

    @Test
    void changedPasswordReplacesTheOldOne() {
        String user = newUser("first password 1");
        assertThat(http.send(as(user, "first password 1", "/api/me").GET().build()).statusCode()).isEqualTo(200);

        HttpResponse<String> changed = json(as(user, "first password 1", "/api/me/password"),
                "{\"currentPassword\":\"first password 1\",\"newPassword\":\"second password 2\"}");

        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(http.send(as(user, "first password 1", "/api/me").GET().build()).statusCode()).isEqualTo(401);
        assertThat(http.send(as(user, "second password 2", "/api/me").GET().build()).statusCode()).isEqualTo(200);
        assertThat(json(as(user, "second password 2", "/api/me/password"),
                "{\"currentPassword\":\"wrong\",\"newPassword\":\"third password 3\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void noPasswordOrTokenIsStoredOrLogged() throws Exception {
        String password = "secret-" + UUID.randomUUID();
        String user = newUser(password);
        String token = data(json(as(user, password, "/api/me/tokens"), "{\"name\":\"ci\"}")).get("token").asString();
        json(as(user, password, "/api/me/password"),
                "{\"currentPassword\":\"" + password + "\",\"newPassword\":\"" + password + "-2\"}");

        try (Connection db = RunningApp.database();
             PreparedStatement events = db.prepareStatement(
                     "SELECT count(*) FROM domain_event_entry WHERE convert_from(payload, 'UTF8') LIKE ? "
                             + "OR convert_from(meta_data, 'UTF8') LIKE ?")) {
            for (String secret : new String[]{password, token, token.substring(4)}) {
                events.setString(1, "%" + secret + "%");
                events.setString(2, "%" + secret + "%");
                try (ResultSet rs = events.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("events containing a secret").isZero();
                }
            }
            try (ResultSet rs = db.createStatement().executeQuery(
                    "SELECT count(*) FROM domain_event_entry WHERE payload_type LIKE '%UserCreatedEvent' "
                            + "AND convert_from(payload, 'UTF8') LIKE '%\"{bcrypt-sha256}$2%'")) {
                rs.next();
                assertThat(rs.getLong(1)).as("passwords are kept as bcrypt hashes").isPositive();
            }
        }
        String log = Files.readString(app.log);
        assertThat(log).doesNotContain(password).doesNotContain(token.substring(4));
        assertThat(http.send(as(user, password + "-2", "/api/me/tokens").GET().build()).body())
                .doesNotContain(token.substring(4)).doesNotContain("bcrypt");
    }
}
