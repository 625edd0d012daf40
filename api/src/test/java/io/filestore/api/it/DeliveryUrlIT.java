package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Delivery URLs without a CDN (the shared test application has no {@code filestore.cdn.base-url}): answers keep
 * their {@code /api/files/<id>/download} URLs, and an issued delivery URL is relative and served by the service
 * itself, without credentials, with the cacheable headers, ranges, HEAD and conditional requests.
 */
class DeliveryUrlIT {

    @Test
    void anIssuedUrlIsServedByTheServiceWithoutCredentials() {
        Api alice = Api.newUser();
        byte[] content = "delivered without a CDN".getBytes(StandardCharsets.UTF_8);
        String fileId = alice.upload("plain.txt", content);
        assertThat(data(alice.get("/api/files/" + fileId)).get("url").asString())
                .isEqualTo("/api/files/" + fileId + "/download");

        HttpResponse<String> issued = alice.post("/api/files/" + fileId + "/delivery-url");
        assertThat(issued.statusCode()).isEqualTo(200);
        JsonNode answer = data(issued);
        String url = answer.get("url").asString();
        assertThat(url).startsWith("/cdn/files/" + fileId + "/1?grant=o&expires=");
        Instant expiresAt = Instant.parse(answer.get("expiresAt").asString());
        assertThat(expiresAt).isAfter(Instant.now().plusSeconds(3500));
        assertThat(expiresAt.getEpochSecond() % 300).isZero(); // rounded up to the 5-minute window

        HttpResponse<byte[]> got = alice.sendBytes(HttpRequest.newBuilder(alice.app.uri(url)).GET().build());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(content);
        assertThat(got.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        String etag = got.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).isEqualTo("\"" + Api.sha256(content) + "\"");
        assertThat(got.headers().firstValue("Surrogate-Key").orElseThrow()).contains("f-" + fileId);
        assertThat(got.headers().firstValue("Set-Cookie")).isEmpty();

        HttpResponse<byte[]> range = alice.sendBytes(HttpRequest.newBuilder(alice.app.uri(url)).header("Range", "bytes=0-8")
                .GET().build());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(new String(range.body(), StandardCharsets.UTF_8)).isEqualTo("delivered");
        HttpResponse<byte[]> notModified = alice.sendBytes(HttpRequest.newBuilder(alice.app.uri(url))
                .header("If-None-Match", etag).GET().build());
        assertThat(notModified.statusCode()).isEqualTo(304);
        HttpResponse<byte[]> head = alice.sendBytes(HttpRequest.newBuilder(alice.app.uri(url))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);

        HttpResponse<byte[]> extra = alice.sendBytes(HttpRequest.newBuilder(alice.app.uri(url + "&x=1")).GET().build());
        assertThat(extra.statusCode()).isEqualTo(400); // an unknown query parameter, as everywhere
        assertThat(alice.sendBytes(HttpRequest.newBuilder(alice.app.uri(url.replace("grant=o", "grant=a"))).GET()
                .build()).statusCode()).isEqualTo(403);

        assertThat(alice.delete("/api/files/" + fileId).statusCode()).isEqualTo(200);
        HttpResponse<String> gone = alice.send(HttpRequest.newBuilder(alice.app.uri(url)).GET().build());
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(gone.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
    }
}
