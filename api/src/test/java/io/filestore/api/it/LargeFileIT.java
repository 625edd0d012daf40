package io.filestore.api.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * A 1 GiB upload and download, streamed on both ends, through the application whose heap is capped at 256 MiB:
 * the checksums prove every byte arrived, the heap cap proves nothing held the file in memory.
 */
class LargeFileIT {

    private static final long SIZE = 1024L * 1024 * 1024;

    @Test
    void streamsOneGibibyteThroughA256MibHeap() throws Exception {
        Api alice = Api.newUser();
        MessageDigest sent = MessageDigest.getInstance("SHA-256");

        HttpResponse<String> upload = alice.send(alice.request("/api/files/upload?name=big.bin")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new DigestInputStream(new PatternStream(SIZE, 3), sent)))
                .build());

        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        String expected = HexFormat.of().formatHex(sent.digest());
        assertThat(Api.data(upload).get("checksum").asString()).isEqualTo("sha256:" + expected);
        assertThat(Api.data(upload).get("size").asLong()).isEqualTo(SIZE);
        String id = Api.data(upload).get("fileId").asString();

        HttpResponse<InputStream> download = Api.HTTP.send(alice.request("/api/files/" + id + "/download").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(download.statusCode()).isEqualTo(200);
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long count = drain(download.body(), received);

        assertThat(count).isEqualTo(SIZE);
        assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(expected);
        assertThat(alice.get("/health").statusCode()).as("the 256 MiB application is still up").isEqualTo(200);
    }

    private static long drain(InputStream in, MessageDigest digest) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
                total += n;
            }
        }
        return total;
    }
}
