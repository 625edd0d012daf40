package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static io.filestore.api.it.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** HTTP semantics a client library relies on: preconditions, ETags, 405, problem details, protocol details. */
class HttpSemanticsIT {

    private final Api alice = Api.newUser();
    private final Api bob = Api.newUser();

    private static HttpRequest.Builder admin(String path) {
        return RunningApp.get().asAdmin(path);
    }

    /**
     * Sends {@code head} (request line and header fields, without the empty line) as is over a socket and answers
     * everything the server sends until it closes the connection or stays silent for {@code quietMillis}.
     */
    static String raw(String head, int quietMillis) throws IOException {
        URI base = RunningApp.get().uri("/");
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(quietMillis);
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException quiet) {
                // the server waits for more (a body it was promised): what it said so far is the answer
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String bodyOf(String rawAnswer) {
        int end = rawAnswer.indexOf("\r\n\r\n");
        return end < 0 ? "" : rawAnswer.substring(end + 4);
    }

    private String etagOf(String id) {
        return alice.get("/api/files/" + id).headers().firstValue("ETag").orElseThrow();
    }

    private HttpResponse<String> editMetadata(String id, String ifMatch, String json) {
        HttpRequest.Builder request = alice.request("/api/files/" + id + "/metadata")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return alice.send(request.build());
    }

    @Nested
    class IfMatch {

        @Test
        void twoMetadataEditsWithTheSameEtagLetOnlyTheFirstThrough() {
            String id = alice.upload("m.txt", "x".getBytes(StandardCharsets.UTF_8));
            String etag = etagOf(id);

            HttpResponse<String> first = editMetadata(id, etag, "{\"description\":\"first\"}");
            HttpResponse<String> second = editMetadata(id, etag, "{\"description\":\"second\"}");

            assertThat(first.statusCode()).isEqualTo(200);
            String newEtag = first.headers().firstValue("ETag").orElseThrow();
            assertThat(newEtag).isNotEqualTo(etag);
            assertThat(second.statusCode()).isEqualTo(412);
            assertThat(second.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            assertThat(json(second).get("currentETag").asString()).isEqualTo(newEtag);
            assertThat(data(alice.get("/api/files/" + id)).get("metadata").get("description").asString())
                    .isEqualTo("first");
            assertThat(etagOf(id)).isEqualTo(newEtag);
        }

        @Test
        void aShareChangesTheEtagSoAStaleDeleteIsRefused() {
            String id = alice.upload("s.txt", "x".getBytes(StandardCharsets.UTF_8));
            String etag = etagOf(id);

            HttpResponse<String> share = alice.send(alice.request("/api/files/" + id + "/share")
                    .header("Content-Type", "application/json").header("If-Match", etag)
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"userId\":\"" + bob.user + "\",\"role\":\"viewer\"}")).build());
            assertThat(share.statusCode()).isEqualTo(201);
            assertThat(share.headers().firstValue("Location")).isPresent();

            HttpResponse<String> staleShare = alice.send(alice.request("/api/files/" + id + "/share")
                    .header("Content-Type", "application/json").header("If-Match", etag)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"public\":true}")).build());
            HttpResponse<String> staleDelete = alice.send(alice.request("/api/files/" + id)
                    .header("If-Match", etag).DELETE().build());
            assertThat(staleShare.statusCode()).isEqualTo(412);
            assertThat(staleDelete.statusCode()).isEqualTo(412);
            assertThat(alice.get("/api/files/" + id).statusCode()).isEqualTo(200);

            HttpResponse<String> delete = alice.send(alice.request("/api/files/" + id)
                    .header("If-Match", etagOf(id)).DELETE().build());
            assertThat(delete.statusCode()).isEqualTo(200);

            HttpResponse<String> restored = alice.post("/api/trash/" + id + "/restore");
            assertThat(restored.statusCode()).isEqualTo(200);
            assertThat(restored.headers().firstValue("ETag")).hasValue(etagOf(id));

            var outgoing = data(alice.get("/api/files/shared?direction=out&limit=1")).get("pagination");
            assertThat(outgoing.get("limit").asInt()).isEqualTo(1);
            assertThat(outgoing.has("hasMore")).isTrue();
        }

        @Test
        void everyListHasItsItemsUnderAKeyNextToPagination() {
            String id = alice.upload("list.txt", "x".getBytes(StandardCharsets.UTF_8));
            alice.postJson("/api/files/" + id + "/share", "{\"userId\":\"" + bob.user + "\",\"role\":\"viewer\"}");
            java.util.Map<String, String> lists = new java.util.LinkedHashMap<>();
            lists.put("/api/files", "files");
            lists.put("/api/trash", "files");
            lists.put("/api/files/shared", "files");
            lists.put("/api/files/shared?direction=out", "shares");
            lists.put("/api/files/" + id + "/shares", "shares");
            lists.put("/api/files/" + id + "/versions", "versions");
            lists.put("/api/me/tokens", "tokens");
            lists.put("/api/uploads", "uploads");
            for (var list : lists.entrySet()) {
                HttpResponse<String> answer = alice.get(list.getKey());
                assertThat(answer.statusCode()).as(list.getKey() + " " + answer.body()).isEqualTo(200);
                assertThat(data(answer).get(list.getValue()).isArray()).as(list.getKey()).isTrue();
                assertThat(data(answer).get("pagination").has("hasMore")).as(list.getKey()).isTrue();
                assertThat(data(answer).get("pagination").has("limit")).as(list.getKey()).isTrue();
            }
            HttpResponse<String> users = alice.send(admin("/api/admin/users?limit=1").GET().build());
            assertThat(data(users).get("users")).hasSize(1); // at least the administrator exists
            assertThat(data(users).get("pagination").get("limit").asInt()).isEqualTo(1);
            assertThat(data(users).get("pagination").has("hasMore")).isTrue();
        }

        @Test
        void aWellFormedTagThatMatchesNothingIs412AndAListMatchesIfAnyTagDoes() {
            String id = alice.upload("l.txt", "x".getBytes(StandardCharsets.UTF_8));

            assertThat(editMetadata(id, "\"xyzzy\"", "{\"description\":\"a\"}").statusCode()).isEqualTo(412);
            assertThat(editMetadata(id, "W/\"" + etagOf(id).replace("\"", "") + "\"", "{\"description\":\"a\"}")
                    .statusCode()).isEqualTo(412);
            assertThat(editMetadata(id, "\"xyzzy\", " + etagOf(id), "{\"description\":\"b\"}").statusCode())
                    .isEqualTo(200);
            assertThat(editMetadata(id, "*", "{\"description\":\"c\"}").statusCode()).isEqualTo(200);
            assertThat(editMetadata(id, "xyzzy", "{\"description\":\"d\"}").statusCode()).isEqualTo(400);
            HttpResponse<String> rollback = alice.send(alice.request("/api/files/" + id + "/versions/1/restore")
                    .header("If-Match", "\"other\"").POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(rollback.statusCode()).isEqualTo(412);
        }

        @Test
        void theDownloadKeepsItsContentEtag() {
            byte[] content = "content".getBytes(StandardCharsets.UTF_8);
            String id = alice.upload("d.txt", content);
            HttpResponse<String> download = alice.get("/api/files/" + id + "/download");
            assertThat(download.headers().firstValue("ETag")).hasValue("\"" + Api.sha256(content) + "\"");
            assertThat(download.headers().firstValue("Content-Security-Policy")).hasValue("sandbox");
            assertThat(download.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

            HttpResponse<String> stale = alice.send(alice.request("/api/files/" + id + "/download")
                    .header("If-Match", "\"other\"").GET().build());
            HttpResponse<String> outside = alice.send(alice.request("/api/files/" + id + "/download")
                    .header("Range", "bytes=1000-").GET().build());
            assertThat(stale.statusCode()).isEqualTo(412);
            assertThat(outside.statusCode()).isEqualTo(416);
            for (HttpResponse<String> problem : java.util.List.of(stale, outside)) {
                assertThat(problem.headers().firstValue("Content-Type").orElseThrow())
                        .startsWith("application/problem+json");
                assertThat(json(problem).get("status").asInt()).isEqualTo(problem.statusCode());
                assertThat(json(problem).get("instance").asString()).isEqualTo("/api/files/" + id + "/download");
            }
        }
    }

    @Nested
    class MethodsAndErrors {

        @Test
        void aWrongMethodOnAFixedPathIs405WithAllowNotAnotherResource() {
            HttpResponse<String> backupStart = alice.send(admin("/api/backup/start").GET().build());
            HttpResponse<String> deleteUpload = alice.send(alice.request("/api/files/upload").DELETE().build());
            String id = alice.upload("p.txt", "x".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> patchFile = alice.send(alice.request("/api/files/" + id)
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{}")).build());

            assertThat(backupStart.statusCode()).as(backupStart.body()).isEqualTo(405);
            assertThat(backupStart.headers().firstValue("Allow")).hasValue("POST");
            assertThat(backupStart.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("application/problem+json");
            assertThat(deleteUpload.statusCode()).isEqualTo(405);
            assertThat(deleteUpload.headers().firstValue("Allow").orElseThrow()).contains("POST").contains("PUT");
            assertThat(patchFile.statusCode()).isEqualTo(405);
            assertThat(patchFile.headers().firstValue("Allow").orElseThrow()).contains("GET").contains("PUT")
                    .contains("DELETE");
            assertThat(json(patchFile).get("status").asInt()).isEqualTo(405);
        }

        @Test
        void tomcatsOwnRefusalsAreProblemDetails() throws IOException {
            String badEscape = raw("GET /api/files/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close", 10_000);
            String encodedSlash = raw("GET /api/files/a%2Fb HTTP/1.1\r\nHost: localhost\r\nConnection: close",
                    10_000);
            String hugeHeader = raw("GET /api/files HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(64 * 1024)
                    + "\r\nConnection: close", 10_000);

            for (String answer : new String[]{badEscape, encodedSlash, hugeHeader}) {
                assertThat(answer).startsWith("HTTP/1.1 4");
                assertThat(answer.toLowerCase()).contains("content-type: application/problem+json");
                assertThat(Api.JSON.readTree(bodyOf(answer)).get("status").asInt())
                        .isEqualTo(Integer.parseInt(answer.substring(9, 12)));
                assertThat(Api.JSON.readTree(bodyOf(answer)).get("success").asBoolean()).isFalse();
            }
            assertThat(badEscape).startsWith("HTTP/1.1 400");
        }

        @Test
        void theErrorPageCalledDirectlyIsNoEndpoint() {
            HttpResponse<String> error = alice.get("/error");
            assertThat(error.statusCode()).isEqualTo(400);
            assertThat(error.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        }

        @Test
        void expectContinueIsAnsweredOnlyAfterAuthenticationAndTheSizeCheck() throws IOException {
            String badAuth = raw("POST /api/files/upload?name=a.txt HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Basic " + Base64.getEncoder().encodeToString("nobody:wrong".getBytes())
                    + "\r\nContent-Type: text/plain\r\nContent-Length: 10\r\nExpect: 100-continue", 3_000);
            String tooLarge = raw("POST /api/files/upload?name=a.txt HTTP/1.1\r\nHost: localhost\r\n"
                    + "X-User-Id: " + alice.user + "\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 99999999999\r\nExpect: 100-continue", 3_000);

            assertThat(badAuth).startsWith("HTTP/1.1 401").doesNotContain("100 Continue");
            assertThat(tooLarge).startsWith("HTTP/1.1 413").doesNotContain("100 Continue");
        }

        @Test
        void anAcceptedUploadWithExpectContinueGets100ThenItsAnswer() throws IOException {
            URI base = RunningApp.get().uri("/");
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /api/files/upload?name=e.txt HTTP/1.1\r\nHost: localhost\r\nX-User-Id: " + alice.user
                        + "\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                InputStream in = socket.getInputStream();
                StringBuilder interim = new StringBuilder(); // "HTTP/1.1 100 \r\n\r\n" (Tomcat sends no reason)
                while (!interim.toString().endsWith("\r\n\r\n")) {
                    int c = in.read();
                    assertThat(c).as("the interim answer so far: " + interim).isNotNegative();
                    interim.append((char) c);
                }
                assertThat(interim.toString()).startsWith("HTTP/1.1 100");
                out.write("hello".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                String rest = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(rest).contains("HTTP/1.1 201");
            }
            assertThat(alice.listTotal()).isEqualTo(1);
        }

        @Test
        void anErrorIsAProblemWhateverTheClientAccepts() {
            HttpResponse<String> html = alice.send(alice.request("/api/files/not-a-file-id")
                    .header("Accept", "text/html").GET().build());
            assertThat(html.statusCode()).isBetween(400, 499);
            assertThat(html.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        }

        @Test
        void actuatorHealthShowsDetailsOnlyToAdministrators() {
            HttpResponse<String> anonymous = alice.send(HttpRequest.newBuilder(RunningApp.get().uri("/actuator/health"))
                    .GET().build());
            HttpResponse<String> user = alice.get("/actuator/health");
            HttpResponse<String> administrator = alice.send(admin("/actuator/health").GET().build());

            assertThat(anonymous.statusCode()).isEqualTo(200);
            assertThat(json(anonymous).has("components")).isFalse();
            assertThat(json(user).has("components")).isFalse();
            assertThat(json(administrator).has("components")).as(administrator.body()).isTrue();
        }
    }

    @Nested
    class ProtocolDetails {

        @Test
        void tusUploadExpiresIsAnImfFixdate() {
            HttpResponse<String> created = new Tus(alice).create(10, java.util.Map.of("filename", "t.txt"));
            assertThat(created.statusCode()).isEqualTo(201);
            assertThat(created.headers().firstValue("Upload-Expires").orElseThrow())
                    .matches("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
        }

        @Test
        void aTusCreationWithUploadRefusedWith460KeepsNoUpload() {
            byte[] content = "checked content".getBytes(StandardCharsets.UTF_8);
            String wrong = Base64.getEncoder().encodeToString(new byte[32]);
            HttpResponse<String> created = alice.send(new Tus(alice).request("/api/uploads")
                    .header("Upload-Length", String.valueOf(content.length))
                    .header("Upload-Metadata", "filename " + Base64.getEncoder().encodeToString("c.txt".getBytes()))
                    .header("Upload-Checksum", "sha256 " + wrong)
                    .header("Content-Type", Tus.OCTETS)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(content)).build());

            assertThat(created.statusCode()).as(created.body()).isEqualTo(460);
            assertThat(data(alice.get("/api/uploads")).get("uploads")).isEmpty();
            assertThat(data(alice.get("/api/uploads")).get("pagination").get("total").asInt()).isZero();
        }

        @Test
        void followingASearchCursorAloneKeepsItsFilters() {
            for (String name : new String[]{"a1.txt", "a2.txt", "a3.txt"}) {
                alice.send(alice.request("/api/files/upload?name=" + name + "&tags=keep")
                        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(name)).build());
            }
            alice.upload("b1.txt", "other".getBytes(StandardCharsets.UTF_8));
            alice.upload("b2.txt", "other".getBytes(StandardCharsets.UTF_8));

            java.util.List<String> names = new java.util.ArrayList<>();
            HttpResponse<String> page = alice.get("/api/files?tags=keep&sort=name&limit=1");
            while (true) {
                assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
                data(page).get("files").forEach(file -> names.add(file.get("name").asString()));
                var pagination = data(page).get("pagination");
                if (!pagination.get("hasMore").asBoolean()) {
                    break;
                }
                assertThat(names).hasSizeLessThan(10);
                page = alice.get("/api/files?limit=1&cursor=" + pagination.get("nextCursor").asString());
            }
            assertThat(names).containsExactly("a1.txt", "a2.txt", "a3.txt");

            String cursor = data(alice.get("/api/files?tags=keep&sort=name&limit=1")).get("pagination")
                    .get("nextCursor").asString();
            HttpResponse<String> widened = alice.get("/api/files?tags=other&limit=1&cursor=" + cursor);
            assertThat(widened.statusCode()).isEqualTo(400);
            assertThat(json(widened).get("parameter").asString()).isEqualTo("cursor");
        }

        @Test
        void aDigestInAnAlgorithmThatIsNotCheckedIsRefused() {
            HttpResponse<String> upload = alice.send(alice.request("/api/files/upload?name=d.txt")
                    .header("Content-Type", "text/plain")
                    .header("Repr-Digest", "sha-512=:" + Base64.getEncoder().encodeToString(new byte[64]) + ":")
                    .POST(HttpRequest.BodyPublishers.ofString("text")).build());

            assertThat(upload.statusCode()).isEqualTo(400);
            assertThat(json(upload).get("detail").asString()).contains("sha-256");
            assertThat(alice.listTotal()).isZero();
        }
    }
}
