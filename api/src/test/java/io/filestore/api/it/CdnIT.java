package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * CDN delivery end to end: the packaged application behind a real Varnish (Debian's package, installed on demand by
 * {@code scripts/varnish.sh}) running the repository's {@code deploy/varnish/filestore.vcl}, with
 * {@code filestore.cdn.base-url} and {@code filestore.cdn.purge.url} pointing at it. A second request for a delivery
 * URL is a cache hit that never reaches the service (the service's own counter of delivery requests does not move),
 * ranges and HEAD come from the edge, expired and tampered signatures are refused, and after a delete, a share
 * revoke and a link revoke the edge stops serving the content (polled with a deadline).
 */
class CdnIT {

    private static final byte[] SECRET = "cdn-it-signing-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static RunningApp app;
    private static URI edge;
    private static Path varnishDir;
    private static Path script;

    @BeforeAll
    static void startAppAndEdge() throws Exception {
        int edgePort = freePort();
        edge = URI.create("http://127.0.0.1:" + edgePort);
        Map<String, String> env = new HashMap<>();
        env.put("FILESTORE_CDN_BASE_URL", edge.toString());
        env.put("FILESTORE_CDN_PURGE_URL", edge + "/");
        env.put("FILESTORE_CDN_PURGE_ATTEMPTS", "3");
        env.put("FILESTORE_CDN_SIGNING_KEYS_IT1", Base64.getEncoder().encodeToString(SECRET));
        env.put("FILESTORE_CDN_SIGNING_ACTIVE_KEY", "it1");
        app = RunningApp.launch("cdn", "256m", env);
        script = Paths.get("..", "scripts", "varnish.sh").toAbsolutePath().normalize();
        varnishDir = Paths.get("target", "it-varnish").toAbsolutePath();
        run(List.of("bash", script.toString(), "ensure"));
        run(List.of("bash", script.toString(), "start", String.valueOf(edgePort), String.valueOf(app.base.getPort()),
                varnishDir.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (varnishDir != null) {
            run(List.of("bash", script.toString(), "stop", varnishDir.toString()));
        }
        if (app != null) {
            app.stop();
        }
    }

    private static Api user(String name) {
        return new Api(app, name + "-" + Long.toHexString(new Random().nextLong()));
    }

    @Test
    void aSecondRequestIsAnEdgeHitThatNeverReachesTheServiceRangesAndHeadIncluded() {
        Api alice = user("alice");
        byte[] content = randomBytes(300_000);
        String fileId = alice.upload("photo.bin", content);
        String url = data(alice.get("/api/files/" + fileId)).get("url").asString();
        assertThat(url).startsWith(edge + "/cdn/files/" + fileId + "/1?grant=o&expires=");
        assertThat(data(alice.get("/api/files?limit=5")).get("files").get(0).get("url").asString())
                .startsWith(edge + "/cdn/files/" + fileId + "/1?grant=o&expires=");

        HttpResponse<byte[]> origin = fetch(originOf(url), "GET", null);
        assertThat(origin.statusCode()).isEqualTo(200);
        assertThat(origin.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(origin.headers().firstValue("ETag")).hasValue("\"" + Api.sha256(content) + "\"");
        assertThat(origin.headers().firstValue("Surrogate-Key").orElseThrow().split(" "))
                .contains("f-" + fileId, "v-" + fileId + "-1", "o-" + alice.user);
        assertThat(origin.headers().firstValue("Cache-Tag").orElseThrow()).contains("f-" + fileId + ",");
        assertThat(origin.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(origin.headers().firstValue("Vary")).isEmpty();

        HttpResponse<byte[]> first = fetch(url, "GET", null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo(content);
        assertThat(first.headers().firstValue("X-Cache")).hasValue("MISS");
        assertThat(first.headers().firstValue("Surrogate-Key")).isEmpty();
        double served = originServed();

        HttpResponse<byte[]> second = fetch(url, "GET", null);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(second.body()).isEqualTo(content);
        assertThat(second.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(second.headers().firstValue("ETag")).hasValue("\"" + Api.sha256(content) + "\"");

        HttpResponse<byte[]> range = fetch(url, "GET", "bytes=1000-1999");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 1000-1999/300000");
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(content, 1000, 2000));
        assertThat(range.headers().firstValue("X-Cache")).hasValue("HIT");

        HttpResponse<byte[]> head = fetch(url, "HEAD", null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(300_000L);

        HttpResponse<byte[]> asOther = send(HttpRequest.newBuilder(URI.create(url)).header("X-User-Id", "mallory")
                .header("Cookie", "session=x").GET().build());
        assertThat(asOther.headers().firstValue("X-Cache")).hasValue("HIT"); // one URL for everyone who holds it
        assertThat(asOther.body()).isEqualTo(content);

        assertThat(originServed()).isEqualTo(served); // the edge answered all of them
    }

    @Test
    void expiredAndTamperedSignaturesAreRefused() throws Exception {
        Api alice = user("alice");
        String fileId = alice.upload("secret.txt", "top secret".getBytes(StandardCharsets.UTF_8));
        String url = data(alice.get("/api/files/" + fileId)).get("url").asString();
        assertThat(fetch(url, "GET", null).statusCode()).isEqualTo(200);

        String path = "/cdn/files/" + fileId + "/1?grant=o&expires=" + Instant.now().minusSeconds(5).getEpochSecond()
                + "&kid=it1";
        String expired = path + "&sig=" + hmac(path);
        assertThat(fetch(edge + expired, "GET", null).statusCode()).isEqualTo(403);
        HttpResponse<byte[]> expiredAtOrigin = fetch(app.base + expired.substring(1), "GET", null);
        assertThat(expiredAtOrigin.statusCode()).isEqualTo(403);
        assertThat(new String(expiredAtOrigin.body(), StandardCharsets.UTF_8)).contains("expired");
        assertThat(expiredAtOrigin.headers().firstValue("Cache-Control")).hasValue("no-store");

        String sig = url.substring(url.length() - 43);
        String tampered = url.substring(0, url.length() - 43) + (sig.charAt(0) == 'A' ? "B" : "A") + sig.substring(1);
        assertThat(fetch(tampered, "GET", null).statusCode()).isEqualTo(403);
        String otherVersion = url.replace("/1?", "/2?");
        assertThat(fetch(otherVersion, "GET", null).statusCode()).isEqualTo(403);
        String longer = url.replaceFirst("expires=([0-9]+)", "expires=4102444800");
        assertThat(fetch(longer, "GET", null).statusCode()).isEqualTo(403);
        String otherGrant = url.replace("grant=o", "grant=a");
        assertThat(fetch(otherGrant, "GET", null).statusCode()).isEqualTo(403);
    }

    @Test
    void theEdgeStopsServingADeletedFile() {
        Api alice = user("alice");
        String fileId = alice.upload("gone.txt", "soon gone".getBytes(StandardCharsets.UTF_8));
        String url = data(alice.get("/api/files/" + fileId)).get("url").asString();
        assertThat(fetch(url, "GET", null).statusCode()).isEqualTo(200);
        assertThat(fetch(url, "GET", null).headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(alice.delete("/api/files/" + fileId).statusCode()).isEqualTo(200);
        awaitRefused(url);
    }

    @Test
    void theEdgeStopsServingThroughARevokedShareButTheOwnerKeepsHisUrl() {
        Api alice = user("alice");
        Api bob = user("bob");
        String fileId = alice.upload("shared.txt", "for bob".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> share = alice.postJson("/api/files/" + fileId + "/share",
                "{\"userId\":\"" + bob.user + "\",\"role\":\"viewer\"}");
        assertThat(share.statusCode()).isEqualTo(201);
        String shareId = data(share).get("shareId").asString();

        HttpResponse<String> issued = bob.postJson("/api/files/" + fileId + "/delivery-url", "{\"expiresInSeconds\":600}");
        assertThat(issued.statusCode()).isEqualTo(200);
        String bobs = data(issued).get("url").asString();
        assertThat(bobs).startsWith(edge + "/cdn/files/" + fileId + "/1?grant=s." + shareId + "&");
        Instant expiresAt = Instant.parse(data(issued).get("expiresAt").asString());
        assertThat(expiresAt).isAfter(Instant.now().plusSeconds(590)).isBefore(Instant.now().plusSeconds(600 + 301));
        assertThat(bobs).contains("expires=" + expiresAt.getEpochSecond() + "&");
        assertThat(data(bob.get("/api/files/" + fileId)).get("url").asString()).contains("grant=s." + shareId);
        String alices = data(alice.get("/api/files/" + fileId)).get("url").asString();
        assertThat(fetch(bobs, "GET", null).statusCode()).isEqualTo(200);
        assertThat(fetch(bobs, "GET", null).headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(fetch(alices, "GET", null).statusCode()).isEqualTo(200);

        assertThat(alice.delete("/api/files/" + fileId + "/share/" + shareId).statusCode()).isEqualTo(200);
        awaitRefused(bobs);
        assertThat(fetch(alices, "GET", null).statusCode()).isEqualTo(200);
        assertThat(bob.postJson("/api/files/" + fileId + "/delivery-url", "{}").statusCode()).isEqualTo(404);
    }

    @Test
    void aPublicLinkGetsADeliveryUrlThatStopsWorkingWhenTheLinkIsRevoked() {
        Api alice = user("alice");
        byte[] content = "public photo".getBytes(StandardCharsets.UTF_8);
        String fileId = alice.upload("public.txt", content);
        String expiresAt = Instant.now().plusSeconds(3600).toString();
        HttpResponse<String> created = alice.postJson("/api/files/" + fileId + "/share",
                "{\"public\":true,\"expiresAt\":\"" + expiresAt + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode link = data(created);
        String url = link.get("url").asString();
        assertThat(url).startsWith(edge + "/cdn/files/" + fileId + "/1?grant=l." + link.get("shareId").asString());
        long urlExpiry = Long.parseLong(url.replaceFirst(".*expires=([0-9]+).*", "$1"));
        assertThat(urlExpiry).isLessThanOrEqualTo(Instant.parse(expiresAt).getEpochSecond());
        HttpResponse<String> described = send(HttpRequest.newBuilder(app.uri("/s/" + link.get("token").asString()))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(data(described).get("url").asString()).startsWith(edge + "/cdn/files/" + fileId + "/1?grant=l.");

        HttpResponse<byte[]> first = fetch(url, "GET", null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo(content);
        assertThat(fetch(url, "GET", null).headers().firstValue("X-Cache")).hasValue("HIT");

        HttpResponse<String> limited = alice.postJson("/api/files/" + fileId + "/share",
                "{\"public\":true,\"maxDownloads\":3}");
        assertThat(data(limited).get("url").asString()).startsWith("/s/"); // the edge could not count downloads

        assertThat(alice.delete("/api/files/" + fileId + "/share/" + link.get("shareId").asString()).statusCode())
                .isEqualTo(200);
        awaitRefused(url);
    }

    @Test
    void deliveryUrlsAreIssuedToReadersOnlyWithBoundedLifetimesAndForOldVersions() {
        Api alice = user("alice");
        Api stranger = user("stranger");
        byte[] v1 = "version one".getBytes(StandardCharsets.UTF_8);
        String fileId = alice.upload("versions.txt", v1);
        Multipart body = new Multipart();
        body.file("file", "versions.txt", "text/plain", "version two".getBytes(StandardCharsets.UTF_8));
        assertThat(alice.send(alice.request("/api/files/" + fileId).header("Content-Type", body.contentType())
                .PUT(body.publisher()).build()).statusCode()).isEqualTo(200);

        String path = "/api/files/" + fileId + "/delivery-url";
        assertThat(stranger.postJson(path, "{}").statusCode()).isEqualTo(404);
        assertThat(alice.postJson(path, "{\"expiresInSeconds\":0}").statusCode()).isEqualTo(400);
        assertThat(alice.postJson(path, "{\"expiresInSeconds\":999999999}").statusCode()).isEqualTo(400);
        assertThat(alice.postJson(path, "{\"version\":9}").statusCode()).isEqualTo(404);
        assertThat(alice.postJson(path, "{\"bogus\":1}").statusCode()).isEqualTo(400);
        assertThat(alice.post(path).statusCode()).isEqualTo(200);

        String old = data(alice.postJson(path, "{\"version\":1}")).get("url").asString();
        assertThat(old).contains("/cdn/files/" + fileId + "/1?");
        HttpResponse<byte[]> fetched = fetch(old, "GET", null);
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo(v1);
        assertThat(data(alice.get("/api/files/" + fileId)).get("url").asString())
                .contains("/cdn/files/" + fileId + "/2?");
    }

    @Test
    void administratorsSeeThePurgeBacklog() {
        Api alice = user("alice");
        String fileId = alice.upload("purged.txt", "x".getBytes(StandardCharsets.UTF_8));
        alice.delete("/api/files/" + fileId);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        JsonNode purges;
        do {
            HttpResponse<String> status = asAdmin("/api/admin/cdn");
            assertThat(status.statusCode()).isEqualTo(200);
            purges = data(status).get("purges");
        } while (purges.get("sent").asLong() == 0 && System.nanoTime() < deadline && pause());
        assertThat(purges.get("enabled").asBoolean()).isTrue();
        assertThat(purges.get("sent").asLong()).isPositive();
        assertThat(purges.get("parked").isNumber()).isTrue();
        assertThat(purges.get("processor").get("name").asString()).isEqualTo("cdn-purge");
        assertThat(purges.get("processor").get("head").asLong()).isPositive();
        assertThat(data(asAdmin("/api/admin/cdn")).get("activeKey").asString()).isEqualTo("it1");
        assertThat(alice.get("/api/admin/cdn").statusCode()).isEqualTo(403);
        assertThat(asAdmin("/api/admin/dead-letters?processor=cdn-purge").statusCode()).isEqualTo(200);
    }

    @Test
    void purgesThatKeepFailingAreParkedShownToAdministratorsAndSentOnRetry() throws Exception {
        Api alice = user("alice");
        String fileId = alice.upload("parked.txt", "parked".getBytes(StandardCharsets.UTF_8));
        int edgePort = edge.getPort();
        run(List.of("bash", script.toString(), "stop", varnishDir.toString())); // the edge is down: purges fail
        try {
            assertThat(alice.delete("/api/files/" + fileId).statusCode()).isEqualTo(200);
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            JsonNode letters;
            do {
                letters = data(asAdmin("/api/admin/dead-letters?processor=cdn-purge")).get("letters");
            } while (!containsSequence(letters, fileId) && System.nanoTime() < deadline && pause());
            assertThat(containsSequence(letters, fileId)).as("a parked purge of " + fileId).isTrue();
            JsonNode purges = data(asAdmin("/api/admin/cdn")).get("purges");
            assertThat(purges.get("parked").asLong()).isPositive();
            assertThat(purges.get("failedAttempts").asLong()).isGreaterThanOrEqualTo(3);
            assertThat(purges.get("lastFailure").asString()).isNotBlank();
            JsonNode health = Api.json(asAdmin("/health"));
            assertThat(health.get("status").asString()).isEqualTo("degraded");
            assertThat(health.toString()).contains("cdn-purge");
        } finally {
            run(List.of("bash", script.toString(), "start", String.valueOf(edgePort),
                    String.valueOf(app.base.getPort()), varnishDir.toString()));
        }
        HttpResponse<String> retried = adminPost("/api/admin/dead-letters/cdn-purge/" + fileId + "/retry");
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(data(retried).get("applied").asBoolean()).isTrue();
        assertThat(containsSequence(data(asAdmin("/api/admin/dead-letters?processor=cdn-purge")).get("letters"),
                fileId)).isFalse();
        // other files' purges (the trash job purges the other tests' deleted files) may have been parked meanwhile
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        JsonNode letters;
        while ((letters = data(asAdmin("/api/admin/dead-letters?processor=cdn-purge")).get("letters")).size() > 0
                && System.nanoTime() < deadline) {
            for (JsonNode letter : letters) {
                adminPost("/api/admin/dead-letters/cdn-purge/" + letter.get("sequence").asString() + "/retry");
            }
            pause();
        }
        assertThat(letters.size()).as("parked purges after the edge is back").isZero();
    }

    private static boolean containsSequence(JsonNode letters, String sequence) {
        for (JsonNode letter : letters) {
            if (letter.get("sequence").asString().equals(sequence)) {
                return true;
            }
        }
        return false;
    }

    private static HttpResponse<String> adminPost(String path) {
        return send(app.asAdmin(path)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** Polls through the edge until the URL is refused (404), failing after the deadline. */
    private static void awaitRefused(String url) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        int status;
        do {
            status = fetch(url, "GET", null).statusCode();
        } while (status == 200 && System.nanoTime() < deadline && pause());
        assertThat(status).as("the edge still serves " + url).isEqualTo(404);
    }

    private static boolean pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private String originOf(String url) {
        return app.base + url.substring(edge.toString().length() + 1);
    }

    private static HttpResponse<byte[]> fetch(String url, String method, String range) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (range != null) {
            request.header("Range", range);
        }
        return send(request.build());
    }

    private static HttpResponse<byte[]> send(HttpRequest request) {
        return send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return Api.HTTP.send(request, handler);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> asAdmin(String path) {
        return send(app.asAdmin(path).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Delivery requests the service answered with content, from its Prometheus metrics. */
    private static double originServed() {
        double total = 0;
        for (String line : asAdmin("/actuator/prometheus").body().split("\n")) {
            if (line.startsWith("filestore_cdn_origin_requests_total{") && line.contains("outcome=\"served\"")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private static String hmac(String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Path log = Paths.get("target", "it-varnish.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " failed; see " + log + ":\n" + Files.readString(log));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
