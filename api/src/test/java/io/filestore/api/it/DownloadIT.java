package io.filestore.api.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Downloads over real HTTP: RFC 9110 ranges, conditional requests and headers. */
class DownloadIT {

    private final Api alice = Api.newUser();
    private byte[] content;
    private String id;
    private String path;

    @BeforeEach
    void upload() {
        content = new byte[200_000];
        new Random(42).nextBytes(content);
        id = alice.upload("data.bin", content);
        path = "/api/files/" + id + "/download";
    }

    private HttpResponse<byte[]> get(String... headers) {
        java.net.http.HttpRequest.Builder request = alice.request(path);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return alice.sendBytes(request.GET().build());
    }

    @Test
    void fullDownloadCarriesValidatorsAndDisposition() {
        HttpResponse<byte[]> response = get();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(content);
        assertThat(response.headers().firstValue("ETag")).hasValue("\"" + Api.sha256(content) + "\"");
        assertThat(response.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(response.headers().firstValue("Last-Modified")).isPresent();
        assertThat(response.headers().firstValue("Content-Length")).hasValue(String.valueOf(content.length));
        assertThat(response.headers().firstValue("Content-Disposition").orElseThrow())
                .startsWith("attachment").contains("filename=\"data.bin\"");
    }

    @Test
    void singleRange() {
        HttpResponse<byte[]> response = get("Range", "bytes=100-199");

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 100-199/200000");
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(content, 100, 200));
    }

    @Test
    void openEndedRange() {
        HttpResponse<byte[]> response = get("Range", "bytes=199990-");

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 199990-199999/200000");
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(content, 199_990, 200_000));
    }

    @Test
    void suffixRange() {
        HttpResponse<byte[]> response = get("Range", "bytes=-500");

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(content, 199_500, 200_000));
    }

    @Test
    void rangeBeyondTheEndIsClamped() {
        HttpResponse<byte[]> response = get("Range", "bytes=199000-999999");

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 199000-199999/200000");
    }

    @Test
    void multipleRangesAsMultipartByteranges() {
        HttpResponse<byte[]> response = get("Range", "bytes=0-9, 1000-1009");

        assertThat(response.statusCode()).isEqualTo(206);
        String type = response.headers().firstValue("Content-Type").orElseThrow();
        assertThat(type).startsWith("multipart/byteranges; boundary=");
        String body = new String(response.body(), StandardCharsets.ISO_8859_1);
        assertThat(body).contains("Content-Range: bytes 0-9/200000").contains("Content-Range: bytes 1000-1009/200000");
        assertThat(body).contains(new String(Arrays.copyOfRange(content, 1000, 1010), StandardCharsets.ISO_8859_1));
        assertThat(response.headers().firstValue("Content-Length")).hasValue(String.valueOf(response.body().length));
    }

    @Test
    void unsatisfiableRangeIs416WithTheSize() {
        HttpResponse<byte[]> response = get("Range", "bytes=500000-");

        assertThat(response.statusCode()).isEqualTo(416);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes */200000");
    }

    @Test
    void malformedRangeIsIgnored() {
        HttpResponse<byte[]> response = get("Range", "bytes=abc");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSize(content.length);
    }

    @Test
    void ifRangeWithCurrentEtagAppliesTheRangeAndWithStaleEtagSendsEverything() {
        String etag = "\"" + Api.sha256(content) + "\"";

        assertThat(get("Range", "bytes=0-9", "If-Range", etag).statusCode()).isEqualTo(206);
        HttpResponse<byte[]> stale = get("Range", "bytes=0-9", "If-Range", "\"" + "0".repeat(64) + "\"");
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(stale.body()).hasSize(content.length);
    }

    @Test
    void conditionalGetAnswers304() {
        HttpResponse<byte[]> first = get();
        String etag = first.headers().firstValue("ETag").orElseThrow();
        String modified = first.headers().firstValue("Last-Modified").orElseThrow();

        HttpResponse<byte[]> byEtag = get("If-None-Match", etag);
        HttpResponse<byte[]> byDate = get("If-Modified-Since", modified);

        assertThat(byEtag.statusCode()).isEqualTo(304);
        assertThat(byEtag.body()).isEmpty();
        assertThat(byDate.statusCode()).isEqualTo(304);
        assertThat(get("If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
    }

    @Test
    void headAnswersHeadersWithoutBody() {
        HttpResponse<byte[]> response = alice.sendBytes(alice.request(path)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length")).hasValue(String.valueOf(content.length));
        assertThat(response.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(response.body()).isEmpty();
    }

    @Test
    void oldVersionDownloadsWithItsOwnEtag() {
        byte[] second = "second".getBytes(StandardCharsets.UTF_8);
        alice.send(alice.request("/api/files/" + id).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(second)).build());

        HttpResponse<byte[]> v1 = alice.sendBytes(alice.request(path + "?version=1").GET().build());
        HttpResponse<byte[]> current = get();

        assertThat(v1.body()).isEqualTo(content);
        assertThat(v1.headers().firstValue("ETag")).hasValue("\"" + Api.sha256(content) + "\"");
        assertThat(current.body()).isEqualTo(second);
    }

    @Test
    void identicalContentIsStoredOnceButIsTwoFiles() throws Exception {
        long replicasBefore = alice.app.blobFiles().stream()
                .filter(p -> p.getFileName().toString().equals(Api.sha256(content))).count();
        String second = alice.upload("copy.bin", content);

        assertThat(second).isNotEqualTo(id);
        long replicasAfter = alice.app.blobFiles().stream()
                .filter(p -> p.getFileName().toString().equals(Api.sha256(content))).count();
        assertThat(replicasAfter).isEqualTo(replicasBefore).isEqualTo(2);
    }
}
