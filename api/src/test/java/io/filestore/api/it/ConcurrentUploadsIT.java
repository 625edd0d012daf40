package io.filestore.api.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * 1,000 concurrent 1 MiB uploads, multipart and then tus, against the service with its heap capped at 512 MiB: every
 * upload succeeds (a 503 with Retry-After is retried after the time it names, and counted), every file has the
 * checksum of what was sent, and metadata reads keep answering meanwhile. Their latency is printed, never asserted.
 */
class ConcurrentUploadsIT {

    private static final int UPLOADS = 1000;
    private static final int SIZE = 1024 * 1024;
    private static RunningApp app;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        app = RunningApp.launch("concurrent", "512m", Map.of());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(8))
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void thousandConcurrentMultipartUploadsSucceedWhileReadsKeepAnswering() throws Exception {
        run("multipart", (i, user, digest) -> {
            String boundary = "----bound" + i;
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m-" + i
                    + ".bin\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
            Supplier<InputStream> body = () -> new SequenceInputStream(Collections.enumeration(List.of(
                    new ByteArrayInputStream(head), new DigestInputStream(new PatternStream(SIZE, i), digest.reset()),
                    new ByteArrayInputStream(tail))));
            return HttpRequest.newBuilder(app.uri("/api/files/upload")).timeout(Duration.ofMinutes(5))
                    .header("X-User-Id", user).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(body),
                            head.length + SIZE + tail.length)).build();
        });
    }

    @Test
    void thousandConcurrentTusUploadsSucceedWhileReadsKeepAnswering() throws Exception {
        run("tus", (i, user, digest) -> HttpRequest.newBuilder(app.uri("/api/uploads")).timeout(Duration.ofMinutes(5))
                .header("X-User-Id", user).header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", String.valueOf(SIZE))
                .header("Upload-Metadata", Tus.metadata(Map.of("filename", "t-" + i + ".bin")))
                .header("Content-Type", Tus.OCTETS)
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new DigestInputStream(new PatternStream(SIZE, 10_000 + i), digest.reset())), SIZE))
                .build());
    }

    interface RequestFactory {
        HttpRequest create(int index, String user, ResettableDigest digest);
    }

    /** One digest per upload, reset when a retry sends the body again. */
    static final class ResettableDigest {
        private MessageDigest digest;

        MessageDigest reset() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            return digest;
        }

        String hex() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    private void run(String kind, RequestFactory factory) throws Exception {
        Api reader = new Api(app, "reader-" + kind);
        String probe = reader.upload("probe.txt", "probe".getBytes(StandardCharsets.UTF_8));
        AtomicBoolean uploading = new AtomicBoolean(true);
        List<Long> readMillis = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failedReads = new AtomicInteger();
        Thread reads = new Thread(() -> {
            while (uploading.get()) {
                long start = System.nanoTime();
                HttpResponse<String> one = reader.get("/api/files/" + probe);
                HttpResponse<String> list = reader.get("/api/files?limit=10");
                readMillis.add((System.nanoTime() - start) / 2_000_000);
                if (one.statusCode() != 200 || list.statusCode() != 200) {
                    failedReads.incrementAndGet();
                }
            }
        });

        AtomicInteger retried = new AtomicInteger();
        List<CompletableFuture<String[]>> uploads = new ArrayList<>();
        ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch sent = new CountDownLatch(UPLOADS);
        long start = System.nanoTime();
        reads.start();
        for (int i = 0; i < UPLOADS; i++) {
            String user = kind + "-user-" + (i % 10);
            ResettableDigest digest = new ResettableDigest();
            int index = i;
            CompletableFuture<String[]> result = new CompletableFuture<>();
            send(factory, index, user, digest, result, retried, retries, 0);
            sent.countDown();
            uploads.add(result.thenApply(fileId -> new String[]{fileId[0], user, digest.hex()}));
        }
        List<String[]> done = new ArrayList<>();
        for (CompletableFuture<String[]> upload : uploads) {
            done.add(upload.get(15, TimeUnit.MINUTES));
        }
        long elapsed = System.nanoTime() - start;
        uploading.set(false);
        reads.join();
        retries.shutdownNow();

        List<Long> sorted = new ArrayList<>(readMillis);
        Collections.sort(sorted);
        System.out.printf("%s: %d concurrent 1 MiB uploads in %.1f s (%.1f MiB/s), %d answered 503 and were "
                        + "retried; metadata reads during the uploads: %d, p50 %d ms, p99 %d ms, max %d ms%n",
                kind, UPLOADS, elapsed / 1e9, UPLOADS / (elapsed / 1e9), retried.get(), sorted.size(),
                percentile(sorted, 50), percentile(sorted, 99), sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1));

        assertThat(failedReads.get()).as("metadata reads that failed during the uploads").isZero();
        assertThat(sorted).as("metadata reads answered during the uploads").hasSizeGreaterThan(5);
        assertThat(retried.get()).as("503 answers (bounded by the admission queue)").isLessThan(UPLOADS);
        for (String[] file : done) {
            JsonNode view = Api.data(new Api(app, file[1]).get("/api/files/" + file[0]));
            assertThat(view.get("size").asLong()).isEqualTo(SIZE);
            assertThat(view.get("checksum").asString()).isEqualTo("sha256:" + file[2]);
        }
        assertThat(reader.get("/health").statusCode()).as("the 512 MiB service is still up").isEqualTo(200);
    }

    private static void send(RequestFactory factory, int index, String user, ResettableDigest digest,
                             CompletableFuture<String[]> result, AtomicInteger retried,
                             ScheduledExecutorService retries, int attempt) {
        http.sendAsync(factory.create(index, user, digest), HttpResponse.BodyHandlers.ofString())
                .whenComplete((response, failure) -> {
                    if (failure != null) {
                        result.completeExceptionally(failure);
                    } else if (response.statusCode() == 503 && attempt < 20) {
                        retried.incrementAndGet();
                        long seconds = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
                        retries.schedule(() -> send(factory, index, user, digest, result, retried, retries,
                                attempt + 1), seconds, TimeUnit.SECONDS);
                    } else if (response.statusCode() != 201) {
                        result.completeExceptionally(new AssertionError("upload " + index + ": "
                                + response.statusCode() + " " + response.body()));
                    } else {
                        String fileId = response.headers().firstValue("X-File-Id")
                                .orElseGet(() -> Api.JSON.readTree(response.body()).get("data").get("fileId")
                                        .asString());
                        result.complete(new String[]{fileId});
                    }
                });
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
