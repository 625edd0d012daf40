package io.filestore.api.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The packaged application ({@code target/filestore.jar}) running as its own process, as a user runs it: heap
 * capped at 256 MiB, the real PostgreSQL and Elasticsearch (from the {@code FILESTORE_TEST_*} variables that
 * {@code ./filestore test} sets; Elasticsearch through a {@link TcpProxy}), a fresh data directory under
 * {@code target/}. One instance serves every
 * end-to-end test class of the JVM; it is stopped when the JVM exits.
 */
final class RunningApp {

    private static RunningApp instance;

    /** The user id configured as administrator ({@code filestore.admins}). */
    static final String ADMIN = "it-admin";

    final URI base;
    final Path dataDir;
    private final Process process;
    final Path log;
    /** The application reaches Elasticsearch through this proxy, so a test can simulate an outage. */
    final TcpProxy elasticsearch;

    private RunningApp(URI base, Path dataDir, Process process, Path log, TcpProxy elasticsearch) {
        this.base = base;
        this.dataDir = dataDir;
        this.process = process;
        this.log = log;
        this.elasticsearch = elasticsearch;
    }

    static synchronized RunningApp get() {
        if (instance == null) {
            try {
                instance = start();
            } catch (IOException e) {
                throw new IllegalStateException("could not start the application", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return instance;
    }

    URI uri(String path) {
        return base.resolve(path);
    }

    List<Path> nodes() {
        return List.of(dataDir.resolve("blobs/node-1"), dataDir.resolve("blobs/node-2"),
                dataDir.resolve("blobs/node-3"));
    }

    /** Every blob replica file on every node (temp files excluded). */
    List<Path> blobFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path node : nodes()) {
            Path blobs = node.resolve("blobs");
            if (Files.isDirectory(blobs)) {
                try (Stream<Path> walk = Files.walk(blobs)) {
                    walk.filter(Files::isRegularFile).forEach(files::add);
                }
            }
        }
        return files;
    }

    private static RunningApp start() throws IOException, InterruptedException {
        Path target = Paths.get("target").toAbsolutePath();
        Path jar = target.resolve("filestore.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: end-to-end tests run after 'package' (mvn verify)");
        }
        Path dataDir = target.resolve("it-data");
        deleteTree(dataDir);
        Files.createDirectories(dataDir);
        int port = freePort();
        String java = env("FILESTORE_TEST_JAVA", Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = List.of(java, "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.put("SERVER_PORT", String.valueOf(port));
        environment.put("FILESTORE_DATA_DIR", dataDir.toString());
        environment.put("FILESTORE_DB_URL", env("FILESTORE_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/filestore_test"));
        environment.put("FILESTORE_DB_USER", env("FILESTORE_TEST_DB_USER", "filestore"));
        environment.put("FILESTORE_DB_PASSWORD", env("FILESTORE_TEST_DB_PASSWORD", "filestore"));
        TcpProxy elasticsearch = new TcpProxy(URI.create(env("FILESTORE_TEST_ES_URL", "http://127.0.0.1:9200")));
        environment.put("FILESTORE_ELASTICSEARCH_URL", "http://127.0.0.1:" + elasticsearch.port());
        environment.put("FILESTORE_ADMINS", ADMIN);
        environment.put("FILESTORE_ELASTICSEARCH_INDEX_PREFIX", env("FILESTORE_TEST_INDEX_PREFIX", "filestore-test"));
        // Small enough to test the limit by streaming, large enough for the 1 GiB round trip.
        environment.put("FILESTORE_MAX_UPLOAD_SIZE", "1100MB");
        environment.put("FILESTORE_TRASH_RETENTION", "20s");
        environment.put("FILESTORE_TRASH_PURGE_INTERVAL", "2s");
        Path log = target.resolve("it-app.log");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
        URI base = URI.create("http://127.0.0.1:" + port + "/");
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the application exited with " + process.exitValue()
                        + "; see " + log + ":\n" + tail(log));
            }
            try {
                HttpResponse<String> health = client.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return new RunningApp(base, dataDir, process, log, elasticsearch);
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        process.destroy();
        throw new IllegalStateException("the application did not become healthy in 120 s; see " + log + ":\n" + tail(log));
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
