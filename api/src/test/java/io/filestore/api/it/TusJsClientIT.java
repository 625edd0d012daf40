package io.filestore.api.it;

import static io.filestore.api.it.Api.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Interoperability with tus-js-client from npm, run by Node ({@code src/test/js/tus-interop.mjs}): a chunked upload,
 * a connection cut halfway through a PATCH and resumed by the client's retry, and an aborted upload resumed by a new
 * client from its URL. The script checks what the client saw; this test checks the files the service made.
 * Needs {@code node} and {@code npm} on the PATH; installs the locked dependencies with {@code npm ci} when missing.
 */
class TusJsClientIT {

    private static final Path JS = Paths.get("src/test/js").toAbsolutePath();

    private final Api alice = Api.newUser();

    @Test
    void tusJsClientUploadsResumesAfterACutConnectionAndAfterAnAbort() throws Exception {
        if (!Files.isDirectory(JS.resolve("node_modules/tus-js-client"))) {
            Output install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
            assertThat(install.exit).as("npm ci:\n" + install.text).isZero();
        }
        ProcessBuilder node = new ProcessBuilder("node", "tus-interop.mjs");
        String base = alice.app.base.toString();
        node.environment().put("BASE_URL", base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        node.environment().put("USER_ID", alice.user);
        Output output = run(node, 240);

        assertThat(output.exit).as("node tus-interop.mjs:\n" + output.text).isZero();
        List<JsonNode> results = new ArrayList<>();
        for (String line : output.text.split("\n")) {
            if (line.startsWith("{")) {
                results.add(Api.JSON.readTree(line));
            }
        }
        assertThat(results).extracting(r -> r.get("scenario").asString()).containsExactly("chunked", "cut", "resumed");
        for (JsonNode result : results) {
            JsonNode file = data(alice.get("/api/files/" + result.get("fileId").asString()));
            assertThat(file.get("checksum").asString()).as(result.toString())
                    .isEqualTo("sha256:" + result.get("sha256").asString());
            assertThat(file.get("size").asLong()).isEqualTo(result.get("size").asLong());
        }
        assertThat(results.get(1).get("resumedAt").asLong()).as("resumed mid-file, not from the start")
                .isBetween(1L, 8L * 1024 * 1024 - 1);
        System.out.println(output.text);
    }

    private record Output(int exit, String text) {
    }

    private static Output run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        return run(new ProcessBuilder(command), timeoutSeconds);
    }

    private static Output run(ProcessBuilder builder, int timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("tus-js", ".log");
        try {
            Process process = builder.directory(JS.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return new Output(-1, "timed out after " + timeoutSeconds + " s\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Output(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
