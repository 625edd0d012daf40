package io.filestore.api.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.testsupport.TestServicesSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Two instances on one database, one Elasticsearch and one data directory, behind HAProxy, started by the same
 * script users run ({@code scripts/cluster.sh}, what {@code ./filestore cluster start} calls). Every request goes
 * through the balancer, which sends consecutive requests to alternate instances (round robin, no sticky sessions):
 * a write answered by one instance is read from the other, and the PATCHes of one resumable upload land on both.
 * Then one instance is killed (SIGKILL) while uploads and downloads run: no acknowledged upload is lost, the
 * resumable upload goes on through the survivor, the survivor takes over every processor segment and the views
 * converge. Last, a restore sent to one instance puts both into maintenance; its instance is killed during the
 * replay, and the other takes the restore over and completes it. The cluster has a database of its own ({@code <test database>_cluster}), so the rest of the suite's
 * shared application is not disturbed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String USER = "cluster-" + UUID.randomUUID().toString().substring(0, 8);

    private static Path dir;
    private static String database;
    private static String databaseUrl;
    private static URI balancer;
    private static int firstPort;
    private static Map<String, String> environment;

    @BeforeAll
    static void startCluster() throws Exception {
        Path target = Paths.get("target").toAbsolutePath();
        dir = target.resolve("it-cluster");
        stopCluster(dir);
        RunningApp.deleteTree(dir);
        Files.createDirectories(dir.resolve("data"));
        var services = TestServicesSource.services();
        database = databaseName(services.jdbcUrl()) + "_cluster";
        databaseUrl = services.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
        try (Connection connection = DriverManager.getConnection(services.jdbcUrl(), services.user(),
                services.password()); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + database);
        }
        int lbPort = RunningApp.freePort();
        firstPort = freePortPair();
        balancer = URI.create("http://127.0.0.1:" + lbPort + "/");
        environment = new HashMap<>();
        environment.put("FILESTORE_DATA_DIR", dir.resolve("data").toString());
        environment.put("FILESTORE_DB_URL", databaseUrl);
        environment.put("FILESTORE_DB_USER", services.user());
        environment.put("FILESTORE_DB_PASSWORD", services.password());
        environment.put("FILESTORE_DB_POOL_SIZE", "8");
        environment.put("FILESTORE_ELASTICSEARCH_URL", services.elasticsearchUrl());
        environment.put("FILESTORE_ELASTICSEARCH_INDEX_PREFIX", services.indexPrefix() + "-cluster");
        environment.put("FILESTORE_SECURITY_TRUSTED_HEADER", "X-User-Id");
        environment.put("FILESTORE_SECURITY_ADMIN_USER", RunningApp.ADMIN);
        environment.put("FILESTORE_SECURITY_ADMIN_PASSWORD", RunningApp.ADMIN_PASSWORD);
        environment.put("FILESTORE_JAR", target.resolve("filestore.jar").toString());
        String java = System.getenv("FILESTORE_TEST_JAVA");
        environment.put("FILESTORE_JAVA", java == null || java.isBlank()
                ? Paths.get(System.getProperty("java.home"), "bin", "java").toString() : java);
        environment.put("JAVA_OPTS", "-Xmx256m -XX:+ExitOnOutOfMemoryError");
        Files.createDirectories(dir.resolve("pauses"));
        environment.put("FILESTORE_TEST_PAUSE_AT", dir.resolve("pauses").toString()); // TestPause points
        script("start", "2", dir.toString(), String.valueOf(lbPort), String.valueOf(firstPort));
    }

    @AfterAll
    static void stopAll() throws Exception {
        stopCluster(dir);
        var services = TestServicesSource.services();
        try (Connection connection = DriverManager.getConnection(services.jdbcUrl(), services.user(),
                services.password()); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    @Test
    @Order(1)
    void everyRequestMayLandOnEitherInstance() throws Exception {
        Set<String> servedBy = new HashSet<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String name = "through-" + i + ".txt";
            byte[] content = ("file " + i + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> created = send(request("/api/files/upload?name=" + name)
                    .header("Content-Type", "text/plain").PUT(HttpRequest.BodyPublishers.ofByteArray(content)));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String id = data(created).path("fileId").asString();
            ids.add(id);
            // the next requests go to the other instance first: each must see the write at once
            HttpResponse<String> metadata = send(request("/api/files/" + id).GET());
            assertThat(metadata.statusCode()).as("GET right after the 201, %s", metadata.body()).isEqualTo(200);
            HttpResponse<byte[]> download = HTTP.send(request("/api/files/" + id + "/download").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.body()).isEqualTo(content);
            HttpResponse<String> update = send(request("/api/files/" + id + "/metadata")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"tags\":[\"round" + i + "\"]}")));
            assertThat(update.statusCode()).as(update.body()).isEqualTo(200);
            HttpResponse<String> reread = send(request("/api/files/" + id + "/metadata").GET());
            assertThat(reread.body()).as("metadata read right after the update").contains("round" + i);
            HttpResponse<String> search = send(request("/api/files/search?q=through-" + i).GET());
            assertThat(search.statusCode()).isEqualTo(200);
            assertThat(search.body()).as("search right after the upload").contains(id);
            servedBy.add(instanceOf(metadata));
            servedBy.add(instanceOf(download));
        }
        HttpResponse<String> listing = send(request("/api/files?limit=100").GET());
        assertThat(data(listing).path("pagination").path("total").asLong()).isEqualTo(ids.size());
        assertThat(listedIds()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(servedBy).as("both instances answered").hasSize(2);

        // each instance's health knows the other and hears it
        for (int k = 0; k < 2; k++) {
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + (firstPort + k) + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode cluster = Api.JSON.readTree(health.body()).path("checks").path("cluster");
            assertThat(cluster.path("otherInstances").asInt()).as(health.body()).isEqualTo(1);
            assertThat(cluster.path("listening").asBoolean()).isTrue();
            assertThat(cluster.path("status").asString()).isEqualTo("up");
        }

        // two processes, one set of segments: each instance claims a share of every processor's segments
        Await.isTrue(() -> owners().values().stream().allMatch(owners -> owners.size() == 2),
                Duration.ofSeconds(60), "the segments are spread over both instances");
    }

    @Test
    @Order(2)
    void aResumableUploadMovesBetweenInstances() throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        ThreadLocalRandom.current().nextBytes(content);
        String location = tusCreate(content.length, "spread.bin");
        int chunk = 256 * 1024;
        Set<String> servedBy = new HashSet<>();
        for (int offset = 0; offset < content.length; offset += chunk) {
            int length = Math.min(chunk, content.length - offset);
            HttpResponse<String> patch = tusPatch(location, offset, content, offset, length);
            assertThat(patch.statusCode()).as(patch.body()).isEqualTo(204);
            servedBy.add(instanceOf(patch));
        }
        assertThat(servedBy).as("PATCHes answered by both instances").hasSize(2);
        assertDownloadable(fileIdOfUpload(location), content);
    }

    @Test
    @Order(3)
    void killingAnInstanceLosesNoAcknowledgedUpload() throws Exception {
        byte[] tusContent = new byte[4 * 1024 * 1024];
        ThreadLocalRandom.current().nextBytes(tusContent);
        String tus = tusCreate(tusContent.length, "across-the-crash.bin");
        assertThat(tusPatch(tus, 0, tusContent, 0, 1024 * 1024).statusCode()).isEqualTo(204);

        byte[] big = new byte[8 * 1024 * 1024];
        ThreadLocalRandom.current().nextBytes(big);
        HttpResponse<String> bigCreated = send(request("/api/files/upload?name=big.bin")
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(big)));
        assertThat(bigCreated.statusCode()).isEqualTo(201);
        String bigId = data(bigCreated).path("fileId").asString();

        Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
        List<String> badDownloads = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger downloads = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int writer = w;
            clients.add(started(() -> {
                for (int n = 0; running.get(); n++) {
                    byte[] content = ("writer " + writer + " file " + n + " " + UUID.randomUUID())
                            .repeat(1 + ThreadLocalRandom.current().nextInt(2000)).getBytes(StandardCharsets.UTF_8);
                    String key = "\"" + UUID.randomUUID() + "\"";
                    String id = uploadWithRetries("w" + writer + "-" + n + ".txt", content, key);
                    if (id != null) {
                        acknowledged.put(id, content);
                    }
                }
            }));
        }
        clients.add(started(() -> {
            while (running.get()) {
                try {
                    HttpResponse<byte[]> download = HTTP.send(request("/api/files/" + bigId + "/download").GET()
                            .build(), HttpResponse.BodyHandlers.ofByteArray());
                    if (download.statusCode() == 200) {
                        downloads.incrementAndGet();
                        if (!java.util.Arrays.equals(download.body(), big)) {
                            badDownloads.add("a 200 with other bytes (" + download.body().length + " bytes)");
                        }
                    }
                } catch (IOException e) {
                    // cut by the kill: a client retries
                } catch (InterruptedException e) {
                    return;
                }
            }
        }));
        // a PATCH in flight on the instance that dies: 1.5 MiB more sent straight to node1, then the body stalls
        java.io.PipedOutputStream stalled = new java.io.PipedOutputStream();
        java.io.PipedInputStream body = new java.io.PipedInputStream(stalled, 64 * 1024);
        Thread inFlight = started(() -> {
            try {
                HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + firstPort + tus))
                        .timeout(Duration.ofMinutes(2)).header("X-User-Id", USER).header("Tus-Resumable", "1.0.0")
                        .header("Upload-Offset", String.valueOf(1024 * 1024))
                        .header("Content-Type", "application/offset+octet-stream")
                        .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofInputStream(() -> body),
                                tusContent.length - 1024 * 1024)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                // cut by the kill
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        clients.add(started(() -> {
            try {
                stalled.write(tusContent, 1024 * 1024, 1536 * 1024);
                stalled.flush();
                while (running.get()) { // the writer stays alive: a pipe whose writer died reads as broken
                    Thread.sleep(100);
                }
            } catch (IOException e) {
                // the reading side went away with the kill
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        Thread.sleep(2000);
        long pid = Long.parseLong(Files.readString(dir.resolve("node-1.pid")).strip());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        Await.isTrue(() -> ProcessHandle.of(pid).isEmpty()
                || !ProcessHandle.of(pid).get().isAlive(), Duration.ofSeconds(30), "instance 1 exited");
        Thread.sleep(5000);
        running.set(false);
        stalled.close();
        inFlight.join(120_000);
        for (Thread client : clients) {
            client.join(120_000);
        }

        assertThat(badDownloads).isEmpty();
        assertThat(downloads.get()).isPositive();
        assertThat(acknowledged).isNotEmpty();
        // the resumable upload, killed mid-PATCH, goes on through the survivor from the offset it committed
        HttpResponse<String> head = send(tusRequest(tus).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        long offset = Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
        assertThat(offset).as("committed before the kill").isBetween(1024L * 1024, 2560L * 1024);
        HttpResponse<String> last = tusPatch(tus, (int) offset, tusContent, (int) offset,
                tusContent.length - (int) offset);
        assertThat(last.statusCode()).as(last.body()).isEqualTo(204);
        assertDownloadable(last.headers().firstValue("X-File-Id").orElseGet(() -> fileIdOfUpload(tus)), tusContent);
        // every acknowledged upload is there, once, with its bytes
        for (Map.Entry<String, byte[]> file : acknowledged.entrySet()) {
            assertDownloadable(file.getKey(), file.getValue());
        }
        // the survivor owns every segment of every processor, and its views show every file
        Await.isTrue(() -> owners().values().stream().allMatch(owners -> owners.equals(Set.of("node2"))),
                Duration.ofSeconds(60), "node2 took over every segment");
        Set<String> listed = new HashSet<>();
        Await.isTrue(() -> {
            listed.clear();
            listed.addAll(listedIds());
            return listed.containsAll(acknowledged.keySet());
        }, Duration.ofSeconds(30), "the listing shows every acknowledged upload");
        List<String> all = listedIdsWithDuplicates();
        assertThat(all).doesNotHaveDuplicates();

        // the killed instance comes back and takes its share again
        script("start-node", "1", dir.toString(), String.valueOf(firstPort));
        Await.isTrue(() -> owners().values().stream().anyMatch(owners -> owners.contains("node1")),
                Duration.ofSeconds(90), "the restarted node1 claims segments again");
    }

    @Test
    @Order(4)
    void aRestorePutsEveryInstanceIntoMaintenanceAndSurvivesTheDeathOfItsInstance() throws Exception {
        String kept = uploadWithRetries("before-the-backup.txt", "kept".getBytes(StandardCharsets.UTF_8),
                UUID.randomUUID().toString());
        HttpResponse<String> backup = send(admin("/api/backup/start").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(backup.statusCode()).as(backup.body()).isEqualTo(202);
        String backupId = data(backup).path("id").asString();
        Await.isTrue(() -> data(send(admin("/api/backup/" + backupId).GET())).path("state").asString()
                .equals("COMPLETED"), Duration.ofMinutes(2), "the backup");
        String dropped = uploadWithRetries("after-the-backup.txt", "dropped".getBytes(StandardCharsets.UTF_8),
                UUID.randomUUID().toString());

        // the restore goes to node1 and stops (test pause) once its events are loaded and replayed
        Files.createFile(dir.resolve("pauses").resolve("restore.replay.late"));
        HttpResponse<String> restore = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + firstPort
                        + "/api/backup/restore")).header("X-User-Id", RunningApp.ADMIN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"backupId\":\"" + backupId
                                + "\",\"replace\":true}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(restore.statusCode()).as(restore.body()).isEqualTo(202);
        String restoreId = data(restore).path("id").asString();
        Path node1Log = dir.resolve("node-1.log");
        Await.isTrue(() -> Files.readString(node1Log).contains("test pause reached: restore.replay.late"),
                Duration.ofMinutes(2), "node1's restore reached its replay");

        // node2 did not receive the restore, and is in maintenance too: changes refused, its health says why
        URI node2 = URI.create("http://127.0.0.1:" + (firstPort + 1) + "/");
        HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(node2.resolve(
                        "/api/files/upload?name=during.txt")).header("X-User-Id", USER)
                        .header("Content-Type", "text/plain").PUT(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.body()).contains(restoreId);
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(node2.resolve("/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).contains("a restore is unfinished");
        // it stopped its processors for the restore and said so; node1 replays alone
        assertThat(owners().values().stream().flatMap(Set::stream)).doesNotContain("node2");

        // node1 dies in the middle of the restore: node2 takes it over and completes it
        Files.delete(dir.resolve("pauses").resolve("restore.replay.late"));
        long pid = Long.parseLong(Files.readString(dir.resolve("node-1.pid")).strip());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        Await.isTrue(() -> ProcessHandle.of(pid).isEmpty() || !ProcessHandle.of(pid).get().isAlive(),
                Duration.ofSeconds(30), "node1 exited");
        Await.isTrue(() -> {
            HttpResponse<String> status = HTTP.send(HttpRequest.newBuilder(node2.resolve("/api/backup/restores/"
                    + restoreId)).header("X-User-Id", RunningApp.ADMIN).build(), HttpResponse.BodyHandlers.ofString());
            return status.statusCode() == 200 && data(status).path("state").asString().equals("COMPLETED");
        }, Duration.ofMinutes(3), "node2 completed the restore");

        // the restored state, through the balancer; changes accepted again
        assertThat(send(request("/api/files/" + kept).GET()).statusCode()).isEqualTo(200);
        assertThat(send(request("/api/files/" + dropped).GET()).statusCode()).isEqualTo(404);
        String after = uploadWithRetries("after-the-restore.txt", "new".getBytes(StandardCharsets.UTF_8),
                UUID.randomUUID().toString());
        assertThat(send(request("/api/files/" + after).GET()).statusCode()).isEqualTo(200);

        // node1 comes back into the restored store and takes its share again
        script("start-node", "1", dir.toString(), String.valueOf(firstPort));
        Await.isTrue(() -> owners().values().stream().anyMatch(owners -> owners.contains("node1")),
                Duration.ofSeconds(90), "the restarted node1 claims segments again");
        HttpResponse<String> onNode1 = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + firstPort
                + "/api/files/" + dropped)).header("X-User-Id", USER).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(onNode1.statusCode()).isEqualTo(404);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static HttpRequest.Builder admin(String path) {
        return HttpRequest.newBuilder(balancer.resolve(path)).timeout(Duration.ofMinutes(2))
                .header("X-User-Id", RunningApp.ADMIN);
    }

    private static Thread started(Runnable body) {
        Thread thread = new Thread(body, "cluster-client");
        thread.start();
        return thread;
    }

    private static String uploadWithRetries(String name, byte[] content, String key) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> created = HTTP.send(request("/api/files/upload?name=" + name)
                        .header("Content-Type", "text/plain").header("Idempotency-Key", key)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (created.statusCode() == 201) {
                    return data(created).path("fileId").asString();
                }
                if (created.statusCode() < 500 && created.statusCode() != 409 && created.statusCode() != 429) {
                    throw new AssertionError("upload refused: " + created.statusCode() + " " + created.body());
                }
            } catch (IOException e) {
                // the connection died with the instance: retry with the same key
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        throw new AssertionError("an upload was not acknowledged within 60 s of retries");
    }

    private static void assertDownloadable(String id, byte[] content) throws Exception {
        HttpResponse<byte[]> download = HTTP.send(request("/api/files/" + id + "/download").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).as("download of %s", id).isEqualTo(200);
        assertThat(download.body()).as("bytes of %s", id).isEqualTo(content);
    }

    private static List<String> listedIds() {
        return new ArrayList<>(new HashSet<>(listedIdsWithDuplicates()));
    }

    /** Every file of the listing, walked page by page with its cursor (through the balancer: both instances). */
    private static List<String> listedIdsWithDuplicates() {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            HttpResponse<String> listing = send(request("/api/files?limit=100"
                    + (cursor == null ? "" : "&cursor=" + cursor)).GET());
            assertThat(listing.statusCode()).as(listing.body()).isEqualTo(200);
            for (JsonNode file : data(listing).path("files")) {
                ids.add(file.path("fileId").asString());
            }
            JsonNode next = data(listing).path("pagination").path("nextCursor");
            cursor = next.isMissingNode() || next.isNull() ? null : next.asString();
        } while (cursor != null);
        return ids;
    }

    private static String tusCreate(long length, String name) {
        String metadata = "filename " + java.util.Base64.getEncoder()
                .encodeToString(name.getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> created = send(tusRequest("/api/uploads").header("Upload-Length", String.valueOf(length))
                .header("Upload-Metadata", metadata).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return created.headers().firstValue("Location").orElseThrow();
    }

    private static HttpResponse<String> tusPatch(String location, int offset, byte[] content, int from, int length) {
        return send(tusRequest(location).header("Upload-Offset", String.valueOf(offset))
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(content, from, length)));
    }

    /** The file a finished resumable upload became (its HEAD names it). */
    private static String fileIdOfUpload(String location) {
        HttpResponse<String> head = send(tusRequest(location).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        return head.headers().firstValue("X-File-Id").orElseThrow(
                () -> new AssertionError("no file id for upload " + location + ": " + head.headers().map()));
    }

    private static HttpRequest.Builder tusRequest(String path) {
        return request(path).header("Tus-Resumable", "1.0.0");
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(balancer.resolve(path)).timeout(Duration.ofMinutes(2)).header("X-User-Id", USER);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode data(HttpResponse<String> response) {
        return Api.JSON.readTree(response.body()).path("data");
    }

    /** Which instance answered (HAProxy names the server in X-Served-By: deploy/haproxy/filestore.cfg). */
    private static String instanceOf(HttpResponse<?> response) {
        return response.headers().firstValue("X-Served-By").orElse("?");
    }

    /** For each streaming processor, the instances that own its segments now. */
    private static Map<String, Set<String>> owners() throws SQLException {
        var services = TestServicesSource.services();
        Map<String, Set<String>> owners = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(databaseUrl, services.user(), services.password());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT processor_name, owner FROM token_entry WHERE processor_name IN "
                             + "('metadata', 'search', 'audit', 'history')")) {
            while (rows.next()) {
                owners.computeIfAbsent(rows.getString(1), k -> new HashSet<>())
                        .add(rows.getString(2) == null ? "" : rows.getString(2));
            }
        }
        return owners.isEmpty() ? Map.of("none", Collections.emptySet()) : owners;
    }

    private static String databaseName(String jdbcUrl) {
        String path = URI.create(jdbcUrl.substring("jdbc:".length())).getPath();
        return path.substring(1);
    }

    /** Two consecutive free ports (the script gives instance K the port FIRST+K-1). */
    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = RunningApp.freePort();
            try (java.net.ServerSocket next = new java.net.ServerSocket(port + 1)) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no two consecutive free ports");
    }

    private static void script(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", Paths.get("..", "scripts", "cluster.sh")
                .toAbsolutePath().normalize().toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("script.log").toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("scripts/cluster.sh " + String.join(" ", arguments) + " failed; see "
                    + dir.resolve("script.log") + ":\n" + Files.readString(dir.resolve("script.log")));
        }
    }

    private static void stopCluster(Path where) throws IOException, InterruptedException {
        if (where == null || !Files.isDirectory(where) || environment == null) {
            return;
        }
        script("stop", where.toString());
    }
}
