package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code Idempotency-Key} on one-piece uploads: a retry of the same request answers the same and creates no second
 * file, the key with another request is 422, a duplicate while the first still runs is 409, keys are per caller.
 */
class IdempotentUploadIT {

    private final Api alice = Api.newUser();

    private HttpResponse<String> rawUpload(Api api, String key, String name, String content) {
        HttpRequest.Builder request = api.request("/api/files/upload?name=" + name)
                .header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString(content));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return api.send(request.build());
    }

    private static String key() {
        return "\"" + UUID.randomUUID() + "\"";
    }

    @Test
    void aRetryAnswersTheSameAndCreatesNoSecondFile() {
        String key = key();
        HttpResponse<String> first = rawUpload(alice, key, "once.txt", "only once");
        HttpResponse<String> retry = rawUpload(alice, key, "once.txt", "only once");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(data(retry)).isEqualTo(data(first));
        assertThat(alice.listTotal()).isEqualTo(1);

        HttpResponse<String> without = rawUpload(alice, null, "once.txt", "only once");
        assertThat(without.statusCode()).as("no key: a new file").isEqualTo(201);
        assertThat(alice.listTotal()).isEqualTo(2);
    }

    @Test
    void aMultipartRetryWithANewBoundaryIsTheSameRequest() {
        String key = key();
        Multipart first = new Multipart();
        first.file("file", "parts.txt", "text/plain", "multipart body".getBytes(StandardCharsets.UTF_8));
        Multipart second = new Multipart();
        second.file("file", "parts.txt", "text/plain", "multipart body".getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> a = alice.send(alice.request("/api/files/upload").header("Idempotency-Key", key)
                .header("Content-Type", first.contentType()).POST(first.publisher()).build());
        HttpResponse<String> b = alice.send(alice.request("/api/files/upload").header("Idempotency-Key", key)
                .header("Content-Type", second.contentType()).POST(second.publisher()).build());

        assertThat(a.statusCode()).as(a.body()).isEqualTo(201);
        assertThat(b.statusCode()).as(b.body()).isEqualTo(201);
        assertThat(data(b).get("fileId")).isEqualTo(data(a).get("fileId"));
        assertThat(alice.listTotal()).isEqualTo(1);
    }

    @Test
    void theKeyWithAnotherRequestIs422() {
        String key = key();
        assertThat(rawUpload(alice, key, "a.txt", "content a").statusCode()).isEqualTo(201);

        HttpResponse<String> otherContent = rawUpload(alice, key, "a.txt", "content b");
        HttpResponse<String> otherName = rawUpload(alice, key, "b.txt", "content a");

        assertThat(otherContent.statusCode()).isEqualTo(422);
        assertThat(otherContent.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(otherName.statusCode()).isEqualTo(422);
        assertThat(alice.listTotal()).isEqualTo(1);
    }

    @Test
    void keysArePerCallerAndMustBeWellFormed() {
        String key = key();
        Api bob = Api.newUser();
        String aliceFile = data(rawUpload(alice, key, "same.txt", "same")).get("fileId").asString();
        HttpResponse<String> bobs = rawUpload(bob, key, "same.txt", "same");

        assertThat(bobs.statusCode()).isEqualTo(201);
        assertThat(data(bobs).get("fileId").asString()).isNotEqualTo(aliceFile);
        assertThat(rawUpload(alice, "\"\"", "x.txt", "x").statusCode()).isEqualTo(400);
        assertThat(rawUpload(alice, "\"" + "k".repeat(256) + "\"", "x.txt", "x").statusCode()).isEqualTo(400);
    }

    @Test
    void aDuplicateWhileTheFirstIsStillRunningIs409() throws Exception {
        String key = key();
        // the first upload on a raw socket: its headers and half its chunked body go out now, the rest later (an
        // HTTP client library may hold a request back until its body is complete)
        try (java.net.Socket socket = new java.net.Socket(alice.app.base.getHost(), alice.app.base.getPort())) {
            socket.setSoTimeout(60_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("PUT /api/files/upload?name=slow.txt HTTP/1.1\r\nHost: localhost\r\n"
                    + "X-User-Id: " + alice.user + "\r\nContent-Type: text/plain\r\nIdempotency-Key: " + key + "\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            writeChunk(out, "the first half, ");
            awaitClaimed(key.substring(1, key.length() - 1));

            HttpResponse<String> duplicate = rawUpload(alice, key, "slow.txt", "the first half, the second half");
            assertThat(duplicate.statusCode()).isEqualTo(409);

            writeChunk(out, "the second half");
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertThat(statusLine).startsWith("HTTP/1.1 201");
        }
        HttpResponse<String> retry = rawUpload(alice, key, "slow.txt", "the first half, the second half");
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(alice.listTotal()).isEqualTo(1);
    }

    private static void writeChunk(java.io.OutputStream out, String text) throws java.io.IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private void awaitClaimed(String key) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = RunningApp.database();
                 PreparedStatement s = c.prepareStatement(
                         "SELECT count(*) FROM idempotency_key WHERE caller = ? AND key = ?")) {
                s.setString(1, alice.user);
                s.setString(2, io.filestore.api.web.IdempotencyKeys.stored(key));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 1) {
                        return;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the first upload never claimed its key");
    }
}
