package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Master key rotation end to end: a new primary key, the re-wrap job killed (kill -9) between its two writes of a
 * header and resumed after the restart, every file readable throughout, the old key retired only when nothing needs
 * it, and a restart with the retired keyset.
 */
class KeyRotationIT {

    private static RunningApp app;
    private static Path pauses;

    @BeforeAll
    static void start() throws Exception {
        pauses = Path.of("target", "it-rotation-pauses").toAbsolutePath();
        RunningApp.deleteTree(pauses);
        Files.createDirectories(pauses);
        app = RunningApp.launch("key-rotation", "256m", Map.of(
                "FILESTORE_TEST_PAUSE_AT", pauses.toString(),
                "FILESTORE_ENCRYPTION_RESUME_INITIAL_DELAY", "1s"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.stop();
        }
    }

    private static void await(Await.Check<Boolean> condition, String what) {
        Await.isTrue(condition, java.time.Duration.ofSeconds(90), what);
    }

    private static byte[] download(Api api, String id) {
        HttpResponse<byte[]> response = api.sendBytes(api.request("/api/files/" + id + "/download").GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static JsonNode status(Api admin) {
        HttpResponse<String> response = admin.get("/api/admin/encryption");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return data(response);
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }

    private static List<Integer> keyIds(JsonNode status) {
        List<Integer> ids = new ArrayList<>();
        status.get("keys").forEach(key -> ids.add(key.get("id").asInt()));
        return ids;
    }

    @Test
    void aRotationKilledMidWayResumesAndTheOldKeyIsRetiredOnlyWhenNothingNeedsIt() throws Exception {
        Api alice = new Api(app, "rot-alice");
        Api admin = new Api(app, RunningApp.ADMIN);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            byte[] content = ("rotation file " + i + " ").repeat(20_000 + i).getBytes(StandardCharsets.US_ASCII);
            files.put(alice.upload("rot-" + i + ".txt", content), content);
        }
        // a resumable upload started before the rotation: its part file's key is wrapped by the old master key
        Tus tus = new Tus(alice);
        String upload = tus.newUpload(200_000, "unfinished.bin");
        assertThat(tus.patch(upload, 0, new byte[100_000]).statusCode()).isEqualTo(204);

        assertThat(alice.get("/api/admin/encryption").statusCode()).isEqualTo(403);
        assertThat(alice.postJson("/api/admin/encryption/rotate", "{}").statusCode()).isEqualTo(403);
        JsonNode before = status(admin);
        int old = before.get("primaryKeyId").asInt();
        assertThat(keyIds(before)).containsExactly(old);
        assertThat(before.get("keysetWritable").asBoolean()).isTrue();

        // the re-wrap is killed right after it forced a new key slot to disk, before it emptied the old one
        Files.writeString(pauses.resolve("rewrap.slot-written"), "");
        HttpResponse<String> rotated = admin.postJson("/api/admin/encryption/rotate", "{}");
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(202);
        int primary = data(rotated).get("primaryKeyId").asInt();
        assertThat(primary).isNotEqualTo(old);
        await(() -> {
            try {
                return Files.readString(app.log).contains("test pause reached: rewrap.slot-written");
            } catch (IOException e) {
                return false;
            }
        }, "the re-wrap to reach its pause");
        try (var armed = Files.list(pauses)) {
            for (Path file : armed.toList()) {
                Files.delete(file);
            }
        }
        app.kill();

        app = app.restart("after-kill", Map.of());
        Api reader = new Api(app, "rot-alice");
        Api administrator = new Api(app, RunningApp.ADMIN);
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            assertThat(download(reader, file.getKey())).isEqualTo(file.getValue()); // readable while it resumes
        }
        await(() -> {
            JsonNode now = status(administrator);
            JsonNode last = now.get("lastRewrap");
            return !now.get("rewrapRunning").asBoolean() && absent(now.get("rewrap")) && !absent(last)
                    && last.get("primaryKeyId").asInt() == primary;
        }, "the resumed re-wrap to finish");
        JsonNode after = status(administrator);
        assertThat(after.get("primaryKeyId").asInt()).isEqualTo(primary);
        assertThat(after.get("lastRewrap").get("failed").asLong()).isZero();
        assertThat(after.get("lastRewrap").get("rewrapped").asLong()).isPositive();

        // the upload in progress may still need the old key; the primary key can never be retired
        HttpResponse<String> refused = administrator.delete("/api/admin/encryption/keys/" + old);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(refused.body()).contains("resumable uploads");
        assertThat(administrator.delete("/api/admin/encryption/keys/" + primary).statusCode()).isEqualTo(409);
        assertThat(administrator.delete("/api/admin/encryption/keys/12345").statusCode()).isEqualTo(404);
        assertThat(new Api(app, "rot-alice").delete("/api/admin/encryption/keys/" + old).statusCode())
                .isEqualTo(403);
        assertThat(new Tus(reader).delete(upload).statusCode()).isEqualTo(204);

        HttpResponse<String> retired = administrator.delete("/api/admin/encryption/keys/" + old);
        assertThat(retired.statusCode()).as(retired.body()).isEqualTo(200);
        assertThat(keyIds(data(retired))).containsExactly(primary);

        // a new start with the keyset that holds the new key only: the key checks and every file open
        app.stop();
        app = app.restart("retired", Map.of());
        Api later = new Api(app, "rot-alice");
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            assertThat(download(later, file.getKey())).isEqualTo(file.getValue());
        }
        byte[] fresh = "written under the new key".getBytes(StandardCharsets.US_ASCII);
        assertThat(download(later, later.upload("fresh.txt", fresh))).isEqualTo(fresh);
        assertThat(keyIds(status(new Api(app, RunningApp.ADMIN)))).containsExactly(primary);
    }

    @Test
    void enablingEncryptionOnAPlaintextStoreEncryptsItsBlobsInTheBackground() throws Exception {
        RunningApp plain = RunningApp.launch("plain-to-encrypted", "256m", Map.of(
                "FILESTORE_ENCRYPTION_ENABLED", "false",
                "FILESTORE_ENCRYPTION_RESUME_INITIAL_DELAY", "1s"));
        try {
            String marker = "PLAINTEXT-BEFORE-ENCRYPTION-" + System.nanoTime();
            byte[] content = (marker + " ").repeat(30_000).getBytes(StandardCharsets.US_ASCII);
            String id = new Api(plain, "plain-bob").upload("old.txt", content);
            assertThat(EncryptionIT.filesContaining(plain.dataDir.resolve("blobs"),
                    marker.getBytes(StandardCharsets.US_ASCII))).isNotEmpty();
            plain.stop();

            plain = plain.restart("encrypting", Map.of("FILESTORE_ENCRYPTION_ENABLED", "true"));
            Api admin = new Api(plain, RunningApp.ADMIN);
            await(() -> {
                JsonNode last = status(admin).get("lastRewrap");
                return !absent(last) && last.get("encrypted").asLong() >= 2;
            }, "the background job to encrypt the plaintext replicas");
            assertThat(status(admin).get("lastRewrap").get("plaintext").asLong()).isZero();
            assertThat(EncryptionIT.filesContaining(plain.dataDir.resolve("blobs"),
                    marker.getBytes(StandardCharsets.US_ASCII))).isEmpty();
            assertThat(download(new Api(plain, "plain-bob"), id)).isEqualTo(content);
            assertThat(plain.dataDir.resolve("encryption/encrypt-plaintext-pending")).doesNotExist();
        } finally {
            plain.stop();
        }
    }
}
