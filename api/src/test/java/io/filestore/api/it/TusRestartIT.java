package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Partial uploads live on disk: they survive a crash (SIGKILL) and a restart of the service and resume there. */
class TusRestartIT {

    private static RunningApp app;

    @BeforeAll
    static void start() throws Exception {
        app = RunningApp.launch("restart", "256m", Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void aPartialUploadResumesAfterTheServiceWasKilledAndRestarted() throws Exception {
        byte[] content = new byte[3_000_000];
        new Random(7).nextBytes(content);
        Api alice = new Api(app, "restart-user");
        Tus tus = new Tus(alice);
        String url = tus.newUpload(content.length, "survivor.bin");
        assertThat(tus.patch(url, 0, Arrays.copyOf(content, 1_200_000)).statusCode()).isEqualTo(204);
        String id = url.substring(url.lastIndexOf('/') + 1);
        // encrypted (the default): the part file holds the 1,200,000 bytes as sealed records of up to 64 KiB, 37 bytes
        // of overhead each
        assertThat(Files.size(app.dataDir.resolve("uploads").resolve(id + ".part")))
                .isEqualTo(1_200_000 + 37L * ((1_200_000 + 65_535) / 65_536));

        app.kill();
        app = app.restart();
        alice = new Api(app, "restart-user");
        tus = new Tus(alice);

        HttpResponse<String> head = tus.head(url);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(Tus.offset(head)).isEqualTo(1_200_000);
        assertThat(data(alice.get(url)).get("bytesReceived").asLong()).isEqualTo(1_200_000);
        assertThat(new Tus(new Api(app, "someone-else")).head(url).statusCode()).isEqualTo(404);

        HttpResponse<String> rest = tus.patch(url, 1_200_000, Arrays.copyOfRange(content, 1_200_000, content.length));
        assertThat(rest.statusCode()).isEqualTo(204);
        String fileId = rest.headers().firstValue("X-File-Id").orElseThrow();
        assertThat(data(alice.get("/api/files/" + fileId)).get("checksum").asString())
                .isEqualTo("sha256:" + Api.sha256(content));
        assertThat(app.dataDir.resolve("uploads").resolve(id + ".part")).doesNotExist();

        app.stop();
        app = app.restart();
        HttpResponse<String> afterGracefulRestart = new Tus(new Api(app, "restart-user")).head(url);
        assertThat(afterGracefulRestart.headers().firstValue("X-File-Id")).hasValue(fileId);
    }
}
