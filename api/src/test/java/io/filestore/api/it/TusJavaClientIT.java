package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Interoperability with tus-java-client from Maven Central (it sends PATCH as POST with X-HTTP-Method-Override,
 * since HttpURLConnection has no PATCH).
 */
class TusJavaClientIT {

    private final Api alice = Api.newUser();

    @TempDir
    Path dir;

    private TusClient client() throws Exception {
        TusClient client = new TusClient();
        client.setUploadCreationURL(new URL(alice.app.uri("/api/uploads").toString()));
        client.setHeaders(Map.of("X-User-Id", alice.user));
        client.enableResuming(new TusURLMemoryStore());
        return client;
    }

    private Path file(String name, int size, long seed) throws Exception {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private static TusUpload upload(Path file) throws Exception {
        TusUpload upload = new TusUpload(new File(file.toString()));
        upload.setMetadata(Map.of("filename", file.getFileName().toString(), "filetype", "application/x-test",
                "description", "sent by tus-java-client"));
        upload.setFingerprint("fp-" + file.getFileName());
        return upload;
    }

    @Test
    void uploadsAFileInSeveralRequests() throws Exception {
        Path file = file("java-client.bin", 3 * 1024 * 1024 + 123, 1);
        TusUploader uploader = client().createUpload(upload(file));
        uploader.setChunkSize(64 * 1024);
        uploader.setRequestPayloadSize(1024 * 1024);
        int requests = 0;
        long before = 0;
        while (uploader.uploadChunk() > -1) {
            if (uploader.getOffset() / (1024 * 1024) != before / (1024 * 1024)) {
                requests++;
            }
            before = uploader.getOffset();
        }
        uploader.finish();

        assertThat(requests).isGreaterThanOrEqualTo(3);
        JsonNode progress = data(alice.get(uploader.getUploadURL().getPath()));
        assertThat(progress.get("status").asString()).isEqualTo("finished");
        JsonNode created = data(alice.get("/api/files/" + progress.get("fileId").asString()));
        assertThat(created.get("name").asString()).isEqualTo("java-client.bin");
        assertThat(created.get("mimeType").asString()).isEqualTo("application/x-test");
        assertThat(created.get("size").asLong()).isEqualTo(Files.size(file));
        assertThat(created.get("checksum").asString()).isEqualTo("sha256:" + Api.sha256(Files.readAllBytes(file)));
        assertThat(created.get("metadata").get("description").asString()).isEqualTo("sent by tus-java-client");
    }

    @Test
    void resumesAnInterruptedUploadFromTheServersOffset() throws Exception {
        Path file = file("resumed.bin", 2 * 1024 * 1024, 2);
        TusClient client = client();
        TusUploader first = client.createUpload(upload(file));
        first.setChunkSize(64 * 1024);
        first.setRequestPayloadSize(512 * 1024);
        while (first.getOffset() < 1024 * 1024 && first.uploadChunk() > -1) {
            // send a little more than half
        }
        first.finish();
        long sent = first.getOffset();
        assertThat(sent).isBetween(1024L * 1024, 2L * 1024 * 1024 - 1);

        TusUploader resumed = client.resumeUpload(upload(file));
        assertThat(resumed.getUploadURL()).isEqualTo(first.getUploadURL());
        assertThat(resumed.getOffset()).as("the offset the server reported").isEqualTo(sent);
        resumed.setChunkSize(64 * 1024);
        while (resumed.uploadChunk() > -1) {
            // the rest
        }
        resumed.finish();

        JsonNode progress = data(alice.get(resumed.getUploadURL().getPath()));
        JsonNode created = data(alice.get("/api/files/" + progress.get("fileId").asString()));
        assertThat(created.get("checksum").asString()).isEqualTo("sha256:" + Api.sha256(Files.readAllBytes(file)));
    }
}
