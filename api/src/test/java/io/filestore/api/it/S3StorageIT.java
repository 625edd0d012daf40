package io.filestore.api.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * A store with a directory node and an S3 node (a real s3proxy with its filesystem backend), R = 2, against the real
 * application: small and multipart uploads land in the bucket, downloads and ranges are served from the bucket when
 * it holds the only replica, and with the S3 server stopped uploads go to the directory node, reads fall back to it,
 * and a scrub puts the missing objects back once the server returns.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3StorageIT {

    private static final String BUCKET = "filestore-it";
    private static final String PREFIX = "store/";
    private static final int PART = 5 * 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static io.filestore.blob.S3Server s3;
    private static RunningApp app;
    private static Api user;
    private static Path directoryNode;

    @BeforeAll
    static void start() throws Exception {
        Path target = Paths.get("target").toAbsolutePath();
        Path s3Dir = target.resolve("it-s3proxy");
        RunningApp.deleteTree(s3Dir);
        s3 = io.filestore.blob.S3Server.started(s3Dir, BUCKET);
        directoryNode = target.resolve("it-data-s3").resolve("blobs").resolve("dir-node");
        String database = TestServices.databaseUrl("s3storage");
        TestServices.recreateDatabase(database);
        String indexPrefix = io.filestore.testsupport.TestServicesSource.services().indexPrefix() + "-s3storage";
        TestServices.deleteIndices(indexPrefix);
        String storage = "{\"filestore\":{\"blob-store\":{\"replication-factor\":2,\"nodes\":[" + quote(directoryNode)
                + "],\"locations\":[\"site-a\"],\"s3-nodes\":[{\"endpoint\":\"" + s3.endpoint() + "\",\"bucket\":\""
                + BUCKET + "\",\"prefix\":\"" + PREFIX + "\",\"path-style\":true,\"access-key-id\":\""
                + io.filestore.blob.S3Server.IDENTITY + "\",\"secret-access-key\":\"" + io.filestore.blob.S3Server.CREDENTIAL
                + "\",\"location\":\"site-b\",\"part-size\":\"5MB\",\"timeout\":\"3s\",\"max-attempts\":1}]}}}";
        app = RunningApp.launch("s3", "256m", Map.of(
                "FILESTORE_DB_URL", database,
                "FILESTORE_ELASTICSEARCH_INDEX_PREFIX", indexPrefix,
                "FILESTORE_BLOB_STORE_SCRUB_INITIAL_DELAY", "1h",
                "FILESTORE_BLOB_STORE_SCRUB_RATE", "0B",
                // these tests compare objects' bytes with the content: the plaintext layout (EncryptionTest covers
                // encrypted replicas on S3 nodes)
                "FILESTORE_ENCRYPTION_ENABLED", "false",
                "SPRING_APPLICATION_JSON", storage));
        user = new Api(app, "s3-user");
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.stop();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private static String quote(Path path) {
        return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static byte[] content(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static Path object(String sha256) {
        return s3.object(BUCKET, PREFIX + "blobs/" + sha256);
    }

    static Path fileReplica(String sha256) {
        return directoryNode.resolve("blobs").resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4))
                .resolve(sha256);
    }

    static HttpResponse<byte[]> download(String fileId, String range) throws Exception {
        HttpRequest.Builder request = user.request("/api/files/" + fileId + "/download").GET();
        if (range != null) {
            request.header("Range", range);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpRequest.Builder admin(String path) {
        return app.asAdmin(path);
    }

    static JsonNode adminGet(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(admin(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Api.JSON.readTree(response.body()).get("data");
    }

    @Test
    @Order(1)
    void listsTheDirectoryNodeAndTheS3Node() throws Exception {
        JsonNode nodes = adminGet("/api/admin/storage/nodes");
        assertThat(nodes).hasSize(2);
        assertThat(nodes.get(0).get("kind").asString()).isEqualTo("directory");
        assertThat(nodes.get(0).get("path").asString()).isEqualTo(directoryNode.toString());
        JsonNode bucket = nodes.get(1);
        assertThat(bucket.get("id").asString()).isEqualTo("node-2");
        assertThat(bucket.get("kind").asString()).isEqualTo("s3");
        assertThat(bucket.get("endpoint").asString()).isEqualTo(s3.endpoint().toString());
        assertThat(bucket.get("bucket").asString()).isEqualTo(BUCKET + "/" + PREFIX);
        assertThat(bucket.get("location").asString()).isEqualTo("site-b");
        assertThat(bucket.get("state").asString()).isEqualTo("up");
        assertThat(bucket.get("path") == null || bucket.get("path").isNull()).isTrue();
        assertThat(nodes.toString()).doesNotContain(io.filestore.blob.S3Server.CREDENTIAL);
    }

    @Test
    @Order(2)
    void smallAndMultipartUploadsAreServedFromTheBucketWithRanges() throws Exception {
        byte[] small = content(100_000, 1);
        byte[] big = content(2 * PART + 12_345, 2); // three parts
        String smallId = user.upload("small.bin", small);
        String bigId = user.upload("big.bin", big);
        assertThat(object(Api.sha256(small))).hasBinaryContent(small);
        assertThat(object(Api.sha256(big))).hasBinaryContent(big);
        assertThat(fileReplica(Api.sha256(big))).hasBinaryContent(big);

        // the bucket holds the only replica: whole downloads and ranges come from it
        Files.delete(fileReplica(Api.sha256(big)));
        Files.delete(fileReplica(Api.sha256(small)));
        HttpResponse<byte[]> whole = download(bigId, null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(big);
        HttpResponse<byte[]> range = download(bigId, "bytes=" + (PART - 10) + "-" + (PART + 9));
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(big, PART - 10, PART + 10));
        HttpResponse<byte[]> twoRanges = download(smallId, "bytes=0-9,99990-99999");
        assertThat(twoRanges.statusCode()).isEqualTo(206);
        String multipart = new String(twoRanges.body(), StandardCharsets.ISO_8859_1);
        assertThat(multipart).contains(new String(Arrays.copyOfRange(small, 0, 10), StandardCharsets.ISO_8859_1))
                .contains(new String(Arrays.copyOfRange(small, 99_990, 100_000), StandardCharsets.ISO_8859_1));
        assertThat(download(smallId, null).body()).isEqualTo(small);
    }

    @Test
    @Order(3)
    void withTheS3ServerDownWritesGoToTheDirectoryAndReadsFallBackThenScrubRepairs() throws Exception {
        byte[] before = content(300_000, 3);
        String beforeId = user.upload("before.bin", before);
        assertThat(object(Api.sha256(before))).exists();

        s3.stop();
        byte[] during = content(PART + 1_000, 4);
        String duringId;
        try {
            assertThat(download(beforeId, null).body()).isEqualTo(before);
            duringId = user.upload("during.bin", during);
            assertThat(download(duringId, null).body()).isEqualTo(during);
            HttpResponse<byte[]> range = download(beforeId, "bytes=100-199");
            assertThat(range.statusCode()).isEqualTo(206);
            assertThat(range.body()).isEqualTo(Arrays.copyOfRange(before, 100, 200));
            assertThat(adminGet("/api/admin/storage/nodes").get(1).get("state").asString()).isEqualTo("down");
        } finally {
            s3.start();
        }
        assertThat(object(Api.sha256(during))).doesNotExist();
        // the service sees the S3 node up again (its state is checked on use and by the status poll) before the
        // scrub starts: a scrub that ran while the node still counted as down could not repair it
        long upDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!adminGet("/api/admin/storage/nodes").get(1).get("state").asString().equals("up")
                && System.nanoTime() < upDeadline) {
            Thread.sleep(200);
        }
        assertThat(adminGet("/api/admin/storage/nodes").get(1).get("state").asString()).isEqualTo("up");

        Instant started = Instant.now();
        HttpResponse<String> scrub = HTTP.send(admin("/api/admin/storage/scrub")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(scrub.statusCode()).isEqualTo(202);
        JsonNode last = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = adminGet("/api/admin/storage/scrub");
            last = status.get("lastRun");
            if (last != null && !last.isNull() && Instant.parse(last.get("finishedAt").asString()).isAfter(started)
                    && !status.get("running").asBoolean()) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(last).isNotNull();
        assertThat(Instant.parse(last.get("finishedAt").asString())).isAfter(started);
        assertThat(object(Api.sha256(during))).hasBinaryContent(during);
        // the replicas deleted from the directory node in the previous test are back too
        assertThat(last.get("underReplicated").asLong()).isZero();
        assertThat(last.get("unrecoverable").asLong()).isZero();
        assertThat(download(duringId, null).body()).isEqualTo(during);
    }
}
