package io.filestore.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The environment {@code ./filestore start} gives the service: every variable the README documents takes effect,
 * and the defaults hold when none is set. Runs the scripts' own functions (fs_init_config, fs_app_env) in bash,
 * without starting anything.
 */
class StartScriptConfigurationTest {

    @TempDir
    Path dataDir;

    @Test
    void passesTheDefaultsWhenNothingIsSet() throws Exception {
        Map<String, String> env = serviceEnvironment(Map.of());
        assertThat(env).containsEntry("FILESTORE_DB_URL", "jdbc:postgresql://127.0.0.1:5432/filestore")
                .containsEntry("FILESTORE_ES_URL", "http://127.0.0.1:9200")
                .containsEntry("FILESTORE_DB_USER", "filestore")
                .containsEntry("SERVER_PORT", "8080")
                .containsEntry("FS_PG", "127.0.0.1 5432 filestore")
                .containsEntry("FS_ES", "127.0.0.1 9200");
    }

    @Test
    void passesTheCallersDatabaseAndElasticsearchUrlsUnchanged() throws Exception {
        Map<String, String> env = serviceEnvironment(Map.of(
                "FILESTORE_DB_URL", "jdbc:postgresql://db.example:5433/second?sslmode=require",
                "FILESTORE_ES_URL", "http://search.example:9201",
                "FILESTORE_DB_USER", "other",
                "FILESTORE_DB_PASSWORD", "secret",
                "FILESTORE_PORT", "9090"));
        assertThat(env).containsEntry("FILESTORE_DB_URL", "jdbc:postgresql://db.example:5433/second?sslmode=require")
                .containsEntry("FILESTORE_ES_URL", "http://search.example:9201")
                .containsEntry("FILESTORE_DB_USER", "other")
                .containsEntry("FILESTORE_DB_PASSWORD", "secret")
                .containsEntry("SERVER_PORT", "9090")
                .containsEntry("FS_PG", "db.example 5433 second")
                .containsEntry("FS_ES", "search.example 9201");
    }

    @Test
    void takesServerPortWhenFilestorePortIsNotSet() throws Exception {
        assertThat(serviceEnvironment(Map.of("SERVER_PORT", "9191"))).containsEntry("SERVER_PORT", "9191");
    }

    @Test
    void refusesADatabaseUrlItCannotUse() throws Exception {
        Result result = run(Map.of("FILESTORE_DB_URL", "jdbc:mysql://127.0.0.1/filestore"));
        assertThat(result.exitCode).isNotZero();
        assertThat(result.output).contains("FILESTORE_DB_URL");
    }

    private Map<String, String> serviceEnvironment(Map<String, String> callerEnv) throws Exception {
        Result result = run(callerEnv);
        assertThat(result.exitCode).as(result.output).isZero();
        Map<String, String> env = new TreeMap<>();
        for (String line : result.output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    private Result run(Map<String, String> callerEnv) throws IOException, InterruptedException {
        Path repo = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        if (!Files.exists(repo.resolve("scripts/lib.sh"))) {
            repo = repo.getParent();
        }
        String script = String.join("\n",
                "set -euo pipefail",
                "FS_REPO=\"$1\"",
                "source \"$FS_REPO/scripts/lib.sh\"",
                "source \"$FS_REPO/scripts/app.sh\"",
                "fs_init_config",
                "fs_app_env",
                "env | grep -E '^(FILESTORE_(DB|ES)_[A-Z]+|SERVER_PORT)='",
                "echo \"FS_PG=$FS_PG_HOST $FS_PG_PORT $FS_DB_NAME\"",
                "echo \"FS_ES=$FS_ES_HOST $FS_ES_PORT\"");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script, "test", repo.toString())
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("FILESTORE_") || name.equals("SERVER_PORT"));
        env.putAll(callerEnv);
        env.put("FILESTORE_DATA_DIR", dataDir.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private record Result(int exitCode, String output) {
    }
}
