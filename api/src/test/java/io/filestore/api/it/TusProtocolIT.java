package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The tus 1.0.0 protocol of /api/uploads over HTTP against the running application. */
class TusProtocolIT {

    private final Api alice = Api.newUser();
    private final Api bob = Api.newUser();
    private final Tus tus = new Tus(alice);

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void optionsAdvertisesVersionExtensionsMaxSizeAndChecksumAlgorithm() {
        HttpResponse<String> options = alice.send(HttpRequest.newBuilder(alice.app.uri("/api/uploads"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());

        assertThat(options.statusCode()).isEqualTo(204);
        assertThat(options.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
        assertThat(options.headers().firstValue("Tus-Version")).hasValue("1.0.0");
        assertThat(options.headers().firstValue("Tus-Extension").orElseThrow().split(","))
                .contains("creation", "creation-with-upload", "creation-defer-length", "termination", "expiration",
                        "checksum");
        assertThat(options.headers().firstValue("Tus-Max-Size")).hasValue(String.valueOf(1100L * 1024 * 1024));
        assertThat(options.headers().firstValue("Tus-Checksum-Algorithm")).hasValue("sha256");
    }

    @Test
    void chunkedUploadBecomesAFileWithVersionChecksumAndMetadataAsAOnePieceUploadWould() {
        byte[] content = random(300_000, 1);
        HttpResponse<String> created = tus.create(content.length, Map.of("filename", "report.pdf",
                "filetype", "application/pdf", "description", "quarterly", "tags", "finance, q3",
                "folder", "/reports/2024"));
        assertThat(created.statusCode()).isEqualTo(201);
        String url = created.headers().firstValue("Location").orElseThrow();
        assertThat(url).matches("/api/uploads/[0-9a-f]{32}");
        assertThat(created.headers().firstValue("Upload-Expires")).isPresent();

        HttpResponse<String> head = tus.head(url);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(Tus.offset(head)).isZero();
        assertThat(head.headers().firstValue("Upload-Length")).hasValue("300000");
        assertThat(head.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(head.headers().firstValue("Upload-Metadata").orElseThrow()).contains("filename ");

        HttpResponse<String> first = tus.patch(url, 0, Arrays.copyOfRange(content, 0, 100_000));
        assertThat(first.statusCode()).isEqualTo(204);
        assertThat(Tus.offset(first)).isEqualTo(100_000);
        assertThat(first.headers().firstValue("X-File-Id")).isEmpty();

        JsonNode progress = data(alice.get(url));
        assertThat(progress.get("bytesReceived").asLong()).isEqualTo(100_000);
        assertThat(progress.get("length").asLong()).isEqualTo(300_000);
        assertThat(progress.get("percent").asDouble()).isEqualTo(33.3);
        assertThat(progress.get("status").asString()).isEqualTo("paused");
        assertThat(data(alice.get("/api/uploads")).get("uploads").toString()).contains(url);

        assertThat(tus.patch(url, 100_000, Arrays.copyOfRange(content, 100_000, 250_000)).statusCode()).isEqualTo(204);
        HttpResponse<String> last = tus.patch(url, 250_000, Arrays.copyOfRange(content, 250_000, 300_000));
        assertThat(last.statusCode()).isEqualTo(204);
        assertThat(Tus.offset(last)).isEqualTo(300_000);
        String fileId = last.headers().firstValue("X-File-Id").orElseThrow();

        JsonNode file = data(alice.get("/api/files/" + fileId));
        assertThat(file.get("name").asString()).isEqualTo("report.pdf");
        assertThat(file.get("mimeType").asString()).isEqualTo("application/pdf");
        assertThat(file.get("size").asLong()).isEqualTo(300_000);
        assertThat(file.get("version").asInt()).isEqualTo(1);
        assertThat(file.get("checksum").asString()).isEqualTo("sha256:" + Api.sha256(content));
        assertThat(file.get("owner").asString()).isEqualTo(alice.user);
        assertThat(file.get("metadata").get("description").asString()).isEqualTo("quarterly");
        assertThat(file.get("metadata").get("tags").toString()).isEqualTo("[\"finance\",\"q3\"]");
        assertThat(file.get("metadata").get("folder").asString()).isEqualTo("/reports/2024");
        JsonNode versions = data(alice.get("/api/files/" + fileId + "/versions")).get("versions");
        assertThat(versions).hasSize(1);
        assertThat(versions.get(0).get("uploadedBy").asString()).isEqualTo(alice.user);
        HttpResponse<byte[]> download = alice.sendBytes(alice.request("/api/files/" + fileId + "/download").GET()
                .build());
        assertThat(download.body()).isEqualTo(content);

        JsonNode done = data(alice.get(url));
        assertThat(done.get("status").asString()).isEqualTo("finished");
        assertThat(done.get("fileId").asString()).isEqualTo(fileId);
        assertThat(done.get("percent").asDouble()).isEqualTo(100.0);
        HttpResponse<String> headAfter = tus.head(url);
        assertThat(Tus.offset(headAfter)).isEqualTo(300_000);
        assertThat(headAfter.headers().firstValue("X-File-Id")).hasValue(fileId);
        assertThat(data(alice.get("/api/uploads")).get("uploads").toString()).doesNotContain(url);
    }

    @Test
    void creationWithUploadFinishesInOneRequest() {
        byte[] content = random(70_000, 2);
        HttpResponse<String> created = tus.createWith(content.length, Map.of("filename", "one.bin"), content);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(Tus.offset(created)).isEqualTo(70_000);
        String fileId = created.headers().firstValue("X-File-Id").orElseThrow();
        assertThat(data(alice.get("/api/files/" + fileId)).get("checksum").asString())
                .isEqualTo("sha256:" + Api.sha256(content));
    }

    @Test
    void creationWithPartialUploadIsResumedByPatch() {
        byte[] content = random(50_000, 3);
        HttpResponse<String> created = tus.createWith(content.length, Map.of("filename", "half.bin"),
                Arrays.copyOf(content, 20_000));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(Tus.offset(created)).isEqualTo(20_000);
        String url = created.headers().firstValue("Location").orElseThrow();

        HttpResponse<String> rest = tus.patch(url, 20_000, Arrays.copyOfRange(content, 20_000, 50_000));
        assertThat(rest.statusCode()).isEqualTo(204);
        assertThat(rest.headers().firstValue("X-File-Id")).isPresent();
    }

    @Test
    void zeroLengthUploadIsAFileAtOnce() {
        HttpResponse<String> created = tus.create(0, Map.of("filename", "empty.txt"));

        assertThat(created.statusCode()).isEqualTo(201);
        String fileId = created.headers().firstValue("X-File-Id").orElseThrow();
        assertThat(data(alice.get("/api/files/" + fileId)).get("size").asLong()).isZero();
    }

    @Test
    void deferredLengthIsDeclaredByALaterPatch() {
        byte[] content = random(40_000, 4);
        HttpResponse<String> created = alice.send(tus.request("/api/uploads").header("Upload-Defer-Length", "1")
                .header("Upload-Metadata", Tus.metadata(Map.of("filename", "stream.log")))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(created.statusCode()).isEqualTo(201);
        String url = created.headers().firstValue("Location").orElseThrow();
        assertThat(tus.head(url).headers().firstValue("Upload-Defer-Length")).hasValue("1");

        assertThat(tus.patch(url, 0, Arrays.copyOf(content, 25_000)).statusCode()).isEqualTo(204);
        HttpResponse<String> last = alice.send(tus.request(url).header("Upload-Offset", "25000")
                .header("Upload-Length", "40000").header("Content-Type", Tus.OCTETS)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(content, 25_000, 40_000)))
                .build());

        assertThat(last.statusCode()).as(last.body()).isEqualTo(204);
        String fileId = last.headers().firstValue("X-File-Id").orElseThrow();
        assertThat(data(alice.get("/api/files/" + fileId)).get("checksum").asString())
                .isEqualTo("sha256:" + Api.sha256(content));
    }

    @Test
    void wrongOffsetIs409AndChangesNothing() {
        String url = tus.newUpload(1000, "a.bin");
        assertThat(tus.patch(url, 0, new byte[100]).statusCode()).isEqualTo(204);

        HttpResponse<String> stale = tus.patch(url, 0, new byte[100]);
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(tus.patch(url, 500, new byte[100]).statusCode()).isEqualTo(409);
        assertThat(Tus.offset(tus.head(url))).isEqualTo(100);
    }

    @Test
    void patchWithAnotherContentTypeIs415() {
        String url = tus.newUpload(1000, "a.bin");
        HttpResponse<String> response = alice.send(tus.request(url).header("Upload-Offset", "0")
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(new byte[10])).build());

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(Tus.offset(tus.head(url))).isZero();
    }

    @Test
    void missingOrUnsupportedTusResumableIs412WithTusVersion() {
        HttpResponse<String> missing = alice.send(alice.request("/api/uploads").header("Upload-Length", "10")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        HttpResponse<String> old = alice.send(alice.request("/api/uploads").header("Tus-Resumable", "0.2.2")
                .header("Upload-Length", "10").POST(HttpRequest.BodyPublishers.noBody()).build());

        assertThat(missing.statusCode()).isEqualTo(412);
        assertThat(old.statusCode()).isEqualTo(412);
        assertThat(old.headers().firstValue("Tus-Version")).hasValue("1.0.0");
        assertThat(old.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
    }

    @Test
    void checksumMismatchIs460AndDiscardsOnlyThatChunk() {
        byte[] content = random(20_000, 5);
        String url = tus.newUpload(content.length, "c.bin");
        byte[] first = Arrays.copyOf(content, 10_000);
        byte[] second = Arrays.copyOfRange(content, 10_000, 20_000);
        assertThat(tus.patch(url, 0, first, Tus.sha256Header(first)).statusCode()).isEqualTo(204);

        HttpResponse<String> bad = tus.patch(url, 10_000, second, Tus.sha256Header(first));
        assertThat(bad.statusCode()).isEqualTo(460);
        assertThat(Tus.offset(tus.head(url))).isEqualTo(10_000);

        HttpResponse<String> unsupported = tus.patch(url, 10_000, second, "md5 AAAA");
        assertThat(unsupported.statusCode()).isEqualTo(400);

        HttpResponse<String> good = tus.patch(url, 10_000, second, Tus.sha256Header(second));
        assertThat(good.statusCode()).isEqualTo(204);
        String fileId = good.headers().firstValue("X-File-Id").orElseThrow();
        assertThat(data(alice.get("/api/files/" + fileId)).get("checksum").asString())
                .isEqualTo("sha256:" + Api.sha256(content));
    }

    @Test
    void anotherUsersUploadDoesNotExist() {
        String url = tus.newUpload(100, "private.bin");
        Tus mallory = new Tus(bob);

        assertThat(mallory.head(url).statusCode()).isEqualTo(404);
        assertThat(mallory.patch(url, 0, new byte[10]).statusCode()).isEqualTo(404);
        assertThat(bob.get(url).statusCode()).isEqualTo(404);
        assertThat(mallory.delete(url).statusCode()).isEqualTo(404);
        assertThat(data(bob.get("/api/uploads")).get("uploads").toString()).doesNotContain(url);
        assertThat(alice.send(HttpRequest.newBuilder(alice.app.uri(url)).header("Tus-Resumable", "1.0.0")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(401);
        assertThat(Tus.offset(tus.head(url))).isZero();
    }

    @Test
    void terminationRemovesTheUploadAndItsBytes() throws IOException {
        String url = tus.newUpload(100_000, "gone.bin");
        assertThat(tus.patch(url, 0, new byte[50_000]).statusCode()).isEqualTo(204);
        String id = url.substring(url.lastIndexOf('/') + 1);
        Path uploads = alice.app.dataDir.resolve("uploads");
        assertThat(filesOf(uploads, id)).isNotEmpty();

        assertThat(tus.delete(url).statusCode()).isEqualTo(204);

        assertThat(tus.head(url).statusCode()).isEqualTo(404);
        assertThat(tus.patch(url, 50_000, new byte[10]).statusCode()).isEqualTo(404);
        assertThat(filesOf(uploads, id)).isEmpty();
    }

    @Test
    void sizesBeyondTheLengthOrTheLimitAre413() {
        HttpResponse<String> huge = tus.create(1100L * 1024 * 1024 + 1, Map.of("filename", "huge.bin"));
        assertThat(huge.statusCode()).isEqualTo(413);

        String url = tus.newUpload(100, "small.bin");
        assertThat(tus.patch(url, 0, new byte[101]).statusCode()).isEqualTo(413);
        assertThat(Tus.offset(tus.head(url))).isZero();
    }

    @Test
    void creationWithoutAFileNameOrWithBadMetadataIs400() {
        assertThat(tus.create(10, Map.of("filetype", "text/plain")).statusCode()).isEqualTo(400);
        assertThat(tus.create(10, Map.of("filename", "x.txt", "folder", "not-absolute\u0000")).statusCode())
                .isEqualTo(400);
        HttpResponse<String> broken = alice.send(tus.request("/api/uploads").header("Upload-Length", "10")
                .header("Upload-Metadata", "filename !!!notbase64").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(broken.statusCode()).isEqualTo(400);
        HttpResponse<String> noLength = alice.send(tus.request("/api/uploads")
                .header("Upload-Metadata", Tus.metadata(Map.of("filename", "x"))).POST(HttpRequest.BodyPublishers
                        .noBody()).build());
        assertThat(noLength.statusCode()).isEqualTo(400);
    }

    @Test
    void methodOverrideLetsAPostActAsPatch() {
        String url = tus.newUpload(10, "o.bin");
        HttpResponse<String> response = alice.send(tus.request(url).header("X-HTTP-Method-Override", "PATCH")
                .header("Upload-Offset", "0").header("Content-Type", Tus.OCTETS)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[10])).build());

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("X-File-Id")).isPresent();
    }

    @Test
    void aSecondPatchWhileOneIsRunningIs409AndNeverInterleaves() throws Exception {
        byte[] content = random(200_000, 6);
        String url = tus.newUpload(content.length, "race.bin");
        CountDownLatch halfSent = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        InputStream slow = new InputStream() {
            private int position;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position == 100_000) {
                    halfSent.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (position == content.length) {
                    return -1;
                }
                int n = Math.min(len, (position < 100_000 ? 100_000 : content.length) - position);
                System.arraycopy(content, position, b, off, n);
                position += n;
                return n;
            }
        };
        CompletableFuture<HttpResponse<String>> first = Api.HTTP.sendAsync(tus.request(url)
                .header("Upload-Offset", "0").header("Content-Type", Tus.OCTETS)
                .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> slow), content.length)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(halfSent.await(30, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (data(alice.get(url)).get("bytesReceived").asLong() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(data(alice.get(url)).get("status").asString()).isEqualTo("receiving");

        HttpResponse<String> second = tus.patch(url, 0, content);
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(tus.delete(url).statusCode()).isEqualTo(409);

        release.countDown();
        HttpResponse<String> firstDone = first.get(30, TimeUnit.SECONDS);
        assertThat(firstDone.statusCode()).isEqualTo(204);
        String fileId = firstDone.headers().firstValue("X-File-Id").orElseThrow();
        assertThat(data(alice.get("/api/files/" + fileId)).get("checksum").asString())
                .isEqualTo("sha256:" + Api.sha256(content));
    }

    private static java.util.List<Path> filesOf(Path dir, String id) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(id)).toList();
        }
    }
}
