package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Encryption at rest, on by default: no plaintext in the data directory after uploads, tus uploads and new versions;
 * downloads and ranges decrypt; the generated master key; a wrong key stops the start; turning encryption off and on
 * again keeps every blob readable.
 */
class EncryptionIT {

    private static RunningApp app;

    @BeforeAll
    static void start() throws Exception {
        app = RunningApp.launch("encryption", "256m", Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.stop();
        }
    }

    static byte[] text(String marker, int size) {
        StringBuilder builder = new StringBuilder(size + marker.length());
        int line = 0;
        while (builder.length() < size) {
            builder.append(marker).append(" line ").append(line++).append('\n');
        }
        return builder.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    static List<Path> filesContaining(Path dir, byte[] needle) throws IOException {
        List<Path> found = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (java.nio.file.NoSuchFileException e) {
                continue; // a temp file gone meanwhile
            }
            if (indexOf(bytes, needle) >= 0) {
                found.add(file);
            }
        }
        return found;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static byte[] download(Api api, String fileId, String range) {
        HttpRequest.Builder request = api.request("/api/files/" + fileId + "/download").GET();
        if (range != null) {
            request.header("Range", range);
        }
        HttpResponse<byte[]> response = api.sendBytes(request.build());
        assertThat(response.statusCode()).isEqualTo(range == null ? 200 : 206);
        return response.body();
    }

    @Test
    void noPlaintextReachesTheDataDirectoryAndEveryReadDecrypts() throws Exception {
        String marker = "ENC-IT-" + UUID.randomUUID();
        byte[] needle = marker.getBytes(StandardCharsets.US_ASCII);
        Api alice = new Api(app, "enc-alice");

        byte[] small = text(marker, 700);
        byte[] big = text(marker, 3 * 1024 * 1024 + 333); // several 1 MiB segments
        String smallId = alice.upload("small.txt", small);
        String bigId = alice.upload("big.txt", big);

        byte[] second = text(marker + "-v2", 2 * 1024 * 1024 + 5);
        HttpResponse<String> version = alice.send(alice.request("/api/files/" + smallId)
                .header("Content-Type", "text/plain").PUT(HttpRequest.BodyPublishers.ofByteArray(second)).build());
        assertThat(version.statusCode()).isIn(200, 201);

        byte[] resumable = text(marker + "-tus", 1_500_000);
        Tus tus = new Tus(alice);
        String url = tus.newUpload(resumable.length, "tus.txt");
        assertThat(tus.patch(url, 0, Arrays.copyOf(resumable, 700_000)).statusCode()).isEqualTo(204);
        // the unfinished upload's received bytes are encrypted too (its part file and state hold no plaintext)
        assertThat(filesContaining(app.dataDir.resolve("uploads"), needle)).isEmpty();
        assertThat(filesContaining(app.dataDir, needle)).isEmpty();
        HttpResponse<String> last = tus.patch(url, 700_000, Arrays.copyOfRange(resumable, 700_000, resumable.length));
        assertThat(last.statusCode()).isEqualTo(204);
        String tusId = last.headers().firstValue("X-File-Id").orElseThrow();

        assertThat(download(alice, smallId, null)).isEqualTo(second);
        assertThat(download(alice, bigId, null)).isEqualTo(big);
        assertThat(download(alice, tusId, null)).isEqualTo(resumable);
        HttpResponse<byte[]> first = alice.sendBytes(alice.request("/api/files/" + smallId + "/versions/1/download")
                .GET().build());
        if (first.statusCode() == 200) {
            assertThat(first.body()).isEqualTo(small);
        }
        // ranges: first and last byte, across the first segment boundary (1 MiB less Tink's header and a tag),
        // a suffix, several ranges in one request
        assertThat(download(alice, bigId, "bytes=0-0")).isEqualTo(Arrays.copyOf(big, 1));
        assertThat(download(alice, bigId, "bytes=" + (big.length - 1) + "-"))
                .isEqualTo(Arrays.copyOfRange(big, big.length - 1, big.length));
        assertThat(download(alice, bigId, "bytes=1048000-1049999"))
                .isEqualTo(Arrays.copyOfRange(big, 1_048_000, 1_050_000));
        assertThat(download(alice, bigId, "bytes=-5000"))
                .isEqualTo(Arrays.copyOfRange(big, big.length - 5000, big.length));
        byte[] multi = download(alice, bigId, "bytes=10-19,2097100-2097200");
        assertThat(indexOf(multi, Arrays.copyOfRange(big, 10, 20))).isNotNegative();
        assertThat(indexOf(multi, Arrays.copyOfRange(big, 2_097_100, 2_097_201))).isNotNegative();

        assertThat(filesContaining(app.dataDir, needle)).isEmpty();
        assertThat(data(alice.get("/api/files/" + bigId)).get("size").asLong()).isEqualTo(big.length);
    }

    @Test
    void theGeneratedMasterKeyIsOwnerOnlyAndAWrongKeyOrEncryptionOffAndOnKeepsEveryBlobSafe() throws Exception {
        Path keyset = app.dataDir.resolve("encryption").resolve("master-keyset.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyset))).isEqualTo("rw-------");
        assertThat(Files.readString(app.log)).contains("a new one was generated in " + keyset);

        String marker = "ENC-IT-OFF-" + UUID.randomUUID();
        Api bob = new Api(app, "enc-bob");
        byte[] encrypted = text(marker + "-encrypted", 200_000);
        String encryptedId = bob.upload("encrypted.txt", encrypted);

        AeadConfig.register();
        String other = TinkJsonProtoKeysetFormat.serializeKeyset(
                KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), InsecureSecretKeyAccess.get());
        app.stop();
        assertThatThrownBy(() -> app.restart("wrong-key", Map.of("FILESTORE_ENCRYPTION_KEYSET", other)))
                .hasMessageContaining("is not the key this store's blobs were encrypted with");

        app = app.restart("off", Map.of("FILESTORE_ENCRYPTION_ENABLED", "false"));
        bob = new Api(app, "enc-bob");
        assertThat(download(bob, encryptedId, null)).isEqualTo(encrypted);
        byte[] plain = text(marker + "-plain", 100_000);
        String plainId = bob.upload("plain.txt", plain);
        assertThat(filesContaining(app.dataDir.resolve("blobs"), (marker + "-plain").getBytes(StandardCharsets.US_ASCII)))
                .isNotEmpty(); // off means plaintext on disk (for disks encrypted by other means)

        app.stop();
        app = app.restart("on-again", Map.of("FILESTORE_ENCRYPTION_ENABLED", "true"));
        bob = new Api(app, "enc-bob");
        assertThat(download(bob, encryptedId, null)).isEqualTo(encrypted);
        assertThat(download(bob, plainId, null)).isEqualTo(plain);
        assertThat(download(bob, plainId, "bytes=5-9")).isEqualTo(Arrays.copyOfRange(plain, 5, 10));
        assertThat(filesContaining(app.dataDir.resolve("blobs"),
                (marker + "-encrypted").getBytes(StandardCharsets.US_ASCII))).isEmpty();
    }

    @Test
    void aTamperedCiphertextIsNeverServedAsContent() throws Exception {
        Api carol = new Api(app, "enc-carol");
        byte[] content = text("ENC-TAMPER-" + UUID.randomUUID(), 3 * 1024 * 1024);
        String id = carol.upload("tampered.txt", content);
        String sha = data(carol.get("/api/files/" + id)).get("checksum").asString().substring("sha256:".length());
        List<Path> replicas = new ArrayList<>();
        for (Path node : app.nodes()) {
            Path replica = node.resolve("blobs").resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4))
                    .resolve(sha);
            if (Files.exists(replica)) {
                replicas.add(replica);
            }
        }
        assertThat(replicas).isNotEmpty();
        // one bit flipped in the third 1 MiB segment of every replica's ciphertext
        for (Path replica : replicas) {
            try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(replica.toFile(), "rw")) {
                long at = 512 + 2L * 1024 * 1024 + 4096;
                file.seek(at);
                int b = file.read();
                file.seek(at);
                file.write(b ^ 0x10);
            }
        }

        // a whole download (no SHA-256 of the stream: the AEAD tags check it) breaks off before the failing segment;
        // each replica that fails is reported corrupt and quarantined, until none is left: then 500
        HttpRequest whole = carol.request("/api/files/" + id + "/download").GET().build();
        int status = 0;
        for (int attempt = 0; attempt <= replicas.size() && status != 500; attempt++) {
            try {
                HttpResponse<byte[]> response = carol.sendBytes(whole);
                status = response.statusCode();
                assertThat(status == 200 && Arrays.equals(response.body(), content)).as("tampered content served")
                        .isFalse();
                if (status == 200) {
                    assertThat(response.body().length).isLessThan(content.length);
                }
            } catch (java.io.UncheckedIOException broken) {
                status = -1; // the connection closed short of its Content-Length: a broken transfer
            }
        }
        assertThat(status).isEqualTo(500);
        HttpResponse<byte[]> range = carol.sendBytes(carol.request("/api/files/" + id + "/download")
                .header("Range", "bytes=2101000-2101999").GET().build());
        assertThat(range.statusCode()).isEqualTo(500);
    }
}
