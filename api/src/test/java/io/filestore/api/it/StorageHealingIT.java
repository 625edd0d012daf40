package io.filestore.api.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The storage tier heals itself, against the real application: flipped bytes (with the modification time put back)
 * are never served as a complete body and are repaired; a node directory destroyed while serving costs no download
 * and a scrub brings every blob back to R = 2 of 3 nodes.
 */
class StorageHealingIT {

    private static RunningApp app;
    private static Api user;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        // its own database and index: the scrub walks every blob the database references, and the other test
        // applications' blobs are not on this application's nodes
        String database = TestServices.databaseUrl("storage");
        TestServices.recreateDatabase(database);
        String indexPrefix = io.filestore.testsupport.TestServicesSource.services().indexPrefix() + "-storage";
        TestServices.deleteIndices(indexPrefix);
        app = RunningApp.launch("storage", "256m", Map.of(
                "FILESTORE_DB_URL", database,
                "FILESTORE_ELASTICSEARCH_INDEX_PREFIX", indexPrefix,
                "FILESTORE_BLOB_STORE_VERIFIED_MAX_AGE", "0s",
                "FILESTORE_BLOB_STORE_SCRUB_INITIAL_DELAY", "1h",
                "FILESTORE_BLOB_STORE_SCRUB_RATE", "0B",
                "FILESTORE_DOWNLOAD_SENDFILE", "true",
                // these tests read and alter replicas' bytes on disk: the plaintext layout (EncryptionTest and
                // EncryptionIT cover encrypted replicas)
                "FILESTORE_ENCRYPTION_ENABLED", "false",
                "FILESTORE_BLOB_STORE_LOCATIONS", "us-east-1,us-west-1,eu-west-1"));
        user = new Api(app, "storage-user");
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.stop();
        }
    }

    static byte[] content(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static List<Path> nodes() {
        return List.of(1, 2, 3).stream().map(i -> app.dataDir.resolve("blobs").resolve("node-" + i)).toList();
    }

    static List<Path> replicas(String sha256) {
        List<Path> found = new ArrayList<>();
        for (Path node : nodes()) {
            Path replica = node.resolve("blobs").resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4))
                    .resolve(sha256);
            if (Files.isRegularFile(replica)) {
                found.add(replica);
            }
        }
        return found;
    }

    static void flipByteKeepingMtime(Path replica) throws IOException {
        FileTime modified = Files.getLastModifiedTime(replica);
        try (RandomAccessFile file = new RandomAccessFile(replica.toFile(), "rw")) {
            file.seek(file.length() - 10); // in the last buffer: the most of the body is sent before the check
            int b = file.read();
            file.seek(file.length() - 10);
            file.write(b ^ 0x01);
        }
        Files.setLastModifiedTime(replica, modified);
    }

    /** The body of a 200 download, or null when the transfer broke or the status is not 200. */
    static byte[] download(String fileId) throws InterruptedException {
        try {
            HttpResponse<byte[]> response = HTTP.send(user.request("/api/files/" + fileId + "/download").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException broken) {
            return null;
        }
    }

    static HttpRequest.Builder admin(String path) {
        return app.asAdmin(path);
    }

    static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }

    static boolean intact(String sha256, byte[] expected, int copies) {
        List<Path> replicas = replicas(sha256);
        if (replicas.size() < copies) {
            return false;
        }
        try {
            for (Path replica : replicas) {
                if (!java.util.Arrays.equals(Files.readAllBytes(replica), expected)) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aFlippedByteIsNeverServedAndTheReplicaIsRepaired() throws Exception {
        byte[] original = content(300_000, 1);
        String fileId = user.upload("rot.bin", original);
        String sha = Api.sha256(original);
        assertThat(download(fileId)).isEqualTo(original); // read once: a cache may now hold the replica

        for (Path replica : replicas(sha)) {
            flipByteKeepingMtime(replica); // both copies rot
        }
        for (int i = 0; i < 3; i++) {
            assertThat(download(fileId)).as("download %d of rotten content", i).isNull();
        }
        HttpResponse<String> lost = user.get("/api/files/" + fileId + "/download");
        assertThat(lost.statusCode()).isEqualTo(500);
        assertThat(lost.body()).contains("no intact copy");
        JsonNode health = Api.JSON.readTree(user.get("/health").body());
        assertThat(health.get("status").asString()).isEqualTo("degraded");
        assertThat(health.get("checks").get("redundancy").get("unrecoverableBlobs").asLong()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void oneRottenReplicaIsHealedFromTheOther() throws Exception {
        byte[] original = content(500_000, 2);
        String fileId = user.upload("half-rot.bin", original);
        String sha = Api.sha256(original);
        List<Path> replicas = replicas(sha);
        assertThat(replicas).hasSize(2);
        int cutOff = 0;
        for (Path replica : replicas) {
            flipByteKeepingMtime(replica);
            byte[] first = download(fileId);
            // either the rotten replica was cut off, or the intact one was served: never wrong bytes
            assertThat(first == null || java.util.Arrays.equals(first, original)).isTrue();
            assertThat(download(fileId)).isEqualTo(original);
            if (first == null) {
                cutOff++; // the read found the rot: it heals in the background
            } else {
                scrubAndWait(); // the rotten replica was not read: the scrub finds it
            }
            assertThat(eventually(() -> intact(sha, original, 2))).as("healed").isTrue();
        }
        assertThat(cutOff).as("downloads cut off by the check while streaming").isEqualTo(1);
        HttpResponse<byte[]> range = HTTP.send(user.request("/api/files/" + fileId + "/download")
                .header("Range", "bytes=1000-1999").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(original, 1000, 2000));
    }

    @Test
    void aNodeDirectoryDestroyedWhileServingCostsNoDownloadAndScrubRestoresTwoReplicas() throws Exception {
        List<String> files = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] bytes = content(20_000 + i * 1000, 100 + i);
            contents.add(bytes);
            files.add(user.upload("spread-" + i + ".bin", bytes));
        }
        deleteTree(nodes().get(0));

        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < files.size(); i++) {
                assertThat(download(files.get(i))).as("file %d round %d", i, round).isEqualTo(contents.get(i));
            }
        }
        scrubAndWait();

        for (byte[] bytes : contents) {
            assertThat(replicas(Api.sha256(bytes))).hasSize(2);
        }
        JsonNode last = scrubStatus().get("lastRun");
        assertThat(last.get("blobsChecked").asLong()).isGreaterThanOrEqualTo(20);
        assertThat(last.get("underReplicated").asLong()).isZero();
        for (String dir : List.of("blobs", "tmp", "quarantine")) { // a new, empty disk takes the node's place
            Files.createDirectories(nodes().get(0).resolve(dir));
        }
    }

    static void scrubAndWait() throws Exception {
        Instant before = Instant.now();
        HttpResponse<String> started = HTTP.send(admin("/api/admin/storage/scrub")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).isEqualTo(202);
        assertThat(eventually(() -> {
            JsonNode status = scrubStatus();
            JsonNode last = status.get("lastRun");
            return last != null && !last.isNull() && Instant.parse(last.get("finishedAt").asString()).isAfter(before)
                    && !status.get("running").asBoolean();
        })).as("scrub finished").isTrue();
    }

    @Test
    void aDrainedNodeCanBeRemovedWithEveryFileStillDownloadable() throws Exception {
        List<String> files = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] bytes = content(10_000 + i, 500 + i);
            contents.add(bytes);
            files.add(user.upload("drain-" + i + ".bin", bytes));
        }
        JsonNode nodes = adminGet("/api/admin/storage/nodes");
        assertThat(nodes).hasSize(3);
        assertThat(nodes.get(1).get("id").asString()).isEqualTo("node-2");
        assertThat(nodes.get(1).get("kind").asString()).isEqualTo("directory");
        assertThat(nodes.get(1).get("location").asString()).isEqualTo("us-west-1");
        assertThat(nodes.get(1).get("path").asString()).isEqualTo(nodes().get(1).toString());
        assertThat(nodes.get(1).get("capacityBytes").asLong()).isPositive();
        long onNode = nodes.get(1).get("blobCount").asLong();
        assertThat(onNode).isPositive();

        HttpResponse<String> drain = HTTP.send(admin("/api/admin/storage/nodes/node-2/drain")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(drain.statusCode()).as(drain.body()).isEqualTo(202);
        assertThat(eventually(() -> {
            JsonNode node = adminGet("/api/admin/storage/nodes").get(1);
            return node.get("state").asString().equals("draining") && !node.get("draining").asBoolean()
                    && node.get("lastDrain") != null && node.get("lastDrain").get("remaining").asLong() == 0;
        })).as("drained").isTrue();
        byte[] fresh = content(5000, 999);
        user.upload("after-drain.bin", fresh);
        assertThat(replicas(Api.sha256(fresh))).noneMatch(path -> path.startsWith(nodes().get(1)));

        deleteTree(nodes().get(1)); // the node is removed
        for (int i = 0; i < files.size(); i++) {
            assertThat(download(files.get(i))).as("file %d", i).isEqualTo(contents.get(i));
            assertThat(replicas(Api.sha256(contents.get(i)))).hasSize(2);
        }

        for (String dir : List.of("blobs", "tmp", "quarantine")) { // an empty disk takes its place again
            Files.createDirectories(nodes().get(1).resolve(dir));
        }
        assertThat(adminGet("/api/admin/storage/nodes").get(1).get("state").asString()).isEqualTo("up");
    }

    static JsonNode adminGet(String path) {
        try {
            HttpResponse<String> response = HTTP.send(admin(path).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return Api.JSON.readTree(response.body()).get("data");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode scrubStatus() {
        try {
            HttpResponse<String> response = HTTP.send(admin("/api/admin/storage/scrub").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return Api.JSON.readTree(response.body()).get("data");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
