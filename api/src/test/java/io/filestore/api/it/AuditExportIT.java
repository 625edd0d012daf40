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
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The tamper-evident audit export over HTTP: a chained export, its verification, and tampering detected. */
class AuditExportIT {

    private final Api alice = Api.newUser();
    private final Api admin = new Api(RunningApp.ADMIN);

    @Test
    void exportsAChainThatVerifiesAndDetectsTampering() throws Exception {
        Instant from = Instant.now().minusMillis(5);
        String id = alice.upload("chained.txt", "one".getBytes(StandardCharsets.UTF_8));
        assertThat(alice.postJson("/api/files/" + id + "/metadata", "{\"name\":\"chained-2.txt\"}").statusCode())
                .isEqualTo(200);
        assertThat(alice.delete("/api/files/" + id).statusCode()).isEqualTo(200);
        Thread.sleep(20);
        Instant to = Instant.now();

        List<String> lines = awaitExport(from, to, id, 3);
        JsonNode header = Api.JSON.readTree(lines.get(0));
        assertThat(header.get("type").asString()).isEqualTo("header");
        assertThat(header.get("prev").asString()).isEqualTo("0".repeat(64));
        List<JsonNode> mine = lines.stream().map(Api.JSON::readTree)
                .filter(n -> n.path("fileId").asString("").equals(id)).toList();
        assertThat(mine).extracting(n -> n.get("action").asString()).containsExactly("upload", "metadata", "delete");
        assertThat(mine).allSatisfy(n -> assertThat(n.get("actor").asString()).isEqualTo(alice.user));
        JsonNode end = Api.JSON.readTree(lines.get(lines.size() - 1));
        assertThat(end.get("type").asString()).isEqualTo("end");
        assertThat(end.get("entries").asLong()).isEqualTo(lines.size() - 2);

        JsonNode verified = verify(String.join("\n", lines) + "\n");
        assertThat(verified.get("valid").asBoolean()).isTrue();
        assertThat(verified.get("matchesStore").asBoolean()).isTrue();
        assertThat(verified.get("entries").asLong()).isEqualTo(lines.size() - 2);

        List<String> tampered = new ArrayList<>(lines);
        int index = lines.indexOf(lines.stream().filter(l -> l.contains(id) && l.contains("\"delete\"")).findFirst()
                .orElseThrow());
        tampered.set(index, tampered.get(index).replace(alice.user, "u-someone-else"));
        JsonNode broken = verify(String.join("\n", tampered));
        assertThat(broken.get("valid").asBoolean()).isFalse();
        assertThat(broken.get("badLine").asLong()).isEqualTo(index + 1);

        List<String> shortened = new ArrayList<>(lines);
        shortened.remove(index);
        assertThat(verify(String.join("\n", shortened)).get("valid").asBoolean()).isFalse();

        assertThat(alice.get("/api/admin/audit/export").statusCode()).isEqualTo(403);
        assertThat(admin.get("/api/admin/audit/export?from=nonsense").statusCode()).isEqualTo(400);
        assertThat(admin.get("/api/admin/audit/export?from=" + enc(to) + "&to=" + enc(from)).statusCode())
                .isEqualTo(400);
    }

    private List<String> awaitExport(Instant from, Instant to, String id, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            HttpResponse<String> response = admin.get("/api/admin/audit/export?from=" + enc(from) + "&to=" + enc(to));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
            List<String> lines = response.body().lines().toList();
            if (lines.stream().filter(l -> l.contains(id)).count() >= expected || System.nanoTime() > deadline) {
                return lines;
            }
            Thread.sleep(200);
        }
    }

    private JsonNode verify(String body) {
        HttpResponse<String> response = admin.send(admin.request("/api/admin/audit/verify")
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return data(response);
    }

    private static String enc(Object value) {
        return URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8);
    }
}
