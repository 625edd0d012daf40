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
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The packaged application ({@code target/filestore.jar}) running as its own process, as a user runs it: heap
 * capped at 256 MiB, the real PostgreSQL and Elasticsearch (from the {@code FILESTORE_TEST_*} variables that
 * {@code ./filestore test} sets), a fresh data directory under {@code target/}. One instance serves every
 * end-to-end test class of the JVM; it is stopped when the JVM exits.
 */
final class RunningApp {

    /** The system administrator of every test application (created at first start, password below). */
    static final String ADMIN = "it-admin";
    static final String ADMIN_PASSWORD = "it-admin-password-7f3a";
    static final String JWT_ISSUER = "https://idp.test.invalid";
    static final java.security.KeyPair JWT_KEYS = rsaKeys();
    private static RunningApp instance;

    final URI base;
    final Path dataDir;
    private Process process;
    final Path log;
    /** The application reaches Elasticsearch through this proxy, so a test can simulate an outage. */
    TcpProxy elasticsearch;
    private final String heap;
    private final Map<String, String> extraEnv;

    private RunningApp(URI base, Path dataDir, Process process, Path log, String heap, Map<String, String> extraEnv,
                       TcpProxy elasticsearch) {
        this.elasticsearch = elasticsearch;
        this.base = base;
        this.dataDir = dataDir;
        this.process = process;
        this.log = log;
        this.heap = heap;
        this.extraEnv = extraEnv;
    }

    /**
     * A second instance for one test class (stopped by it): its own data directory {@code target/it-data-<name>},
     * port and log, the given heap and extra environment, the same database and index prefix.
     */
    static RunningApp launch(String name, String heap, Map<String, String> extraEnv)
            throws IOException, InterruptedException {
        Path target = Paths.get("target").toAbsolutePath();
        Path dataDir = target.resolve("it-data-" + name);
        deleteTree(dataDir);
        Files.createDirectories(dataDir);
        return start(dataDir, target.resolve("it-app-" + name + ".log"), heap, extraEnv, freePort(), true);
    }

    /**
     * A second application of its own (data directory {@code target/it-<name>}, log {@code target/it-<name>.log},
     * index prefix suffixed with the name), for tests that stop it or replace its database; {@code environment}
     * overrides the defaults. The caller stops it.
     */
    static RunningApp dedicated(String name, Map<String, String> environment) {
        Path target = Paths.get("target").toAbsolutePath();
        Map<String, String> merged = new java.util.HashMap<>();
        merged.put("FILESTORE_ELASTICSEARCH_INDEX_PREFIX",
                io.filestore.testsupport.TestServicesSource.services().indexPrefix() + "-" + name);
        merged.putAll(environment);
        try {
            return start(target.resolve("it-" + name), target.resolve("it-" + name + ".log"), "256m", merged,
                    freePort(), true);
        } catch (IOException e) {
            throw new IllegalStateException("could not start the application", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * One instance of a cluster for one test class (stopped by it): log {@code target/it-<name>.log}, the given
     * data directory, which several instances share (only the first one starts it afresh: {@code fresh}), and
     * {@code environment} over the defaults (a database and index prefix of the test's own, an instance id,
     * {@code FILESTORE_CLUSTER_BALANCE_SEGMENTS=true} to balance). Start the members one after the other: the
     * first one creates the shared directory's keys.
     */
    static RunningApp clusterMember(String name, Path dataDir, boolean fresh, Map<String, String> environment) {
        Path target = Paths.get("target").toAbsolutePath();
        try {
            return start(dataDir, target.resolve("it-" + name + ".log"), "256m", environment, freePort(), fresh);
        } catch (IOException e) {
            throw new IllegalStateException("could not start the application", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A request to this application as the system administrator (HTTP Basic with the configured password). */
    java.net.http.HttpRequest.Builder asAdmin(String path) {
        String basic = java.util.Base64.getEncoder().encodeToString((ADMIN + ":" + ADMIN_PASSWORD)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.net.http.HttpRequest.newBuilder(uri(path)).header("Authorization", "Basic " + basic);
    }

    /** Starts the stopped process again on the same port and data directory, and waits until it is healthy. */
    void startAgain() throws IOException, InterruptedException {
        RunningApp again = start(dataDir, log, heap, extraEnv, base.getPort(), false);
        process = again.process;
        elasticsearch = again.elasticsearch;
    }

    /** Stops this instance (SIGTERM, graceful) and waits for it to exit. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Kills this instance at once (SIGKILL), as a crash would. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** A new process on the same data directory (after {@link #stop()} or {@link #kill()}). */
    RunningApp restart() throws IOException, InterruptedException {
        return start(dataDir, log.resolveSibling(log.getFileName() + ".restarted"), heap, extraEnv, freePort(), false);
    }

    /**
     * A new process on the same data directory (after {@link #stop()} or {@link #kill()}) with some environment
     * variables replaced (an empty value unsets one) and a log of its own, {@code <log>.<name>}, started afresh; on
     * the same port, so clients of the stopped instance reach the new one.
     */
    RunningApp restart(String name, Map<String, String> changes) throws IOException, InterruptedException {
        Map<String, String> environment = new java.util.HashMap<>(extraEnv);
        environment.putAll(changes);
        Path restartLog = log.resolveSibling(log.getFileName() + "." + name);
        Files.deleteIfExists(restartLog);
        return start(dataDir, restartLog, heap, environment, base.getPort(), false);
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

    /** The test database, as the application uses it (for checks of what is stored). */
    static java.sql.Connection database() throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(
                io.filestore.testsupport.TestServicesSource.services().jdbcUrl(),
                io.filestore.testsupport.TestServicesSource.services().user(), io.filestore.testsupport.TestServicesSource.services().password());
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
        return start(target.resolve("it-data"), target.resolve("it-app.log"), "256m", Map.of(), freePort(), true);
    }

    private static RunningApp start(Path dataDir, Path log, String heap, Map<String, String> extraEnv, int port,
                                    boolean fresh) throws IOException, InterruptedException {
        if (fresh) {
            deleteTree(dataDir);
        }
        Files.createDirectories(dataDir);
        Path target = Paths.get("target").toAbsolutePath();
        Path jar = target.resolve("filestore.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: end-to-end tests run after 'package' (mvn verify)");
        }
        String java = env("FILESTORE_TEST_JAVA", Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = List.of(java, "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.put("SERVER_PORT", String.valueOf(port));
        environment.put("FILESTORE_DATA_DIR", dataDir.toString());
        environment.put("FILESTORE_DB_URL", io.filestore.testsupport.TestServicesSource.services().jdbcUrl());
        environment.put("FILESTORE_DB_USER", io.filestore.testsupport.TestServicesSource.services().user());
        environment.put("FILESTORE_DB_PASSWORD", io.filestore.testsupport.TestServicesSource.services().password());
        TcpProxy elasticsearch = new TcpProxy(URI.create(io.filestore.testsupport.TestServicesSource.services().elasticsearchUrl()));
        environment.put("FILESTORE_ELASTICSEARCH_URL", "http://127.0.0.1:" + elasticsearch.port());
        environment.put("FILESTORE_ELASTICSEARCH_INDEX_PREFIX", io.filestore.testsupport.TestServicesSource.services().indexPrefix());
        // Small enough to test the limit by streaming, large enough for the 1 GiB round trip.
        environment.put("FILESTORE_MAX_UPLOAD_SIZE", "1100MB");
        // Several test applications may run at once on one PostgreSQL (max_connections 100 by default).
        environment.put("FILESTORE_DB_POOL_SIZE", "10");
        environment.put("FILESTORE_TRASH_RETENTION", "20s");
        environment.put("FILESTORE_TRASH_PURGE_INTERVAL", "2s");
        environment.put("FILESTORE_BLOB_STORE_GARBAGE_GRACE_PERIOD", "15s");
        environment.put("FILESTORE_BLOB_STORE_GARBAGE_COLLECTION_INTERVAL", "3s");
        environment.put("FILESTORE_BLOB_STORE_GARBAGE_COLLECTION_INITIAL_DELAY", "3s");

        // test applications share one database but not their storage nodes: a scheduled scrub would take the other
        // applications' blobs for lost ones. Tests of the scrub start it themselves or enable it.
        environment.put("FILESTORE_BLOB_STORE_SCRUB_ENABLED", "false");
        // The tests act as a trusted gateway for most users (X-User-Id), and log in for real where they test that.
        environment.put("FILESTORE_SECURITY_TRUSTED_HEADER", "X-User-Id");
        // every test client is 127.0.0.1: the per-address budget would span the whole suite (GuessThrottleTest covers it)
        environment.put("FILESTORE_SECURITY_PASSWORD_GUESSES_FREE_PER_ADDRESS", "100000");
        environment.put("FILESTORE_SECURITY_ADMIN_USER", ADMIN);
        environment.put("FILESTORE_SECURITY_ADMIN_PASSWORD", ADMIN_PASSWORD);
        // An identity provider's signing key: the app trusts JWTs signed with it (issuer checked).
        Path publicKey = target.resolve("it-jwt-public.pem");
        Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(JWT_KEYS.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        environment.put("FILESTORE_SECURITY_JWT_PUBLIC_KEY_LOCATION", publicKey.toString());
        environment.put("FILESTORE_SECURITY_JWT_ISSUER", JWT_ISSUER);
        // The shared application and the short-lived extra instances of some tests use the same database, and some
        // of those are killed with -9: balancing would hand the shared application's segments to instances that
        // then die, and its views would stall until their claims expire. Segments stay where they are claimed
        // first; ClusterProcessingIT turns balancing on for its own cluster on a database of its own.
        environment.put("FILESTORE_CLUSTER_BALANCE_SEGMENTS", "false");
        // a restore beside a session that poses as another instance (OtherInstancesIT) waits this long for it to say it
        // has stopped its processors, and commands are refused meanwhile
        environment.put("FILESTORE_BACKUP_PAUSE_TIMEOUT", "5s");
        environment.putAll(extraEnv);
        builder.redirectErrorStream(true).redirectOutput(fresh ? ProcessBuilder.Redirect.to(log.toFile())
                : ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process process = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
        URI base = URI.create("http://127.0.0.1:" + port + "/");
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the application exited with " + process.exitValue()
                        + "; see " + log + ":\n" + tail(log));
            }
            try {
                HttpResponse<String> health = client.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return new RunningApp(base, dataDir, process, log, heap, extraEnv, elasticsearch);
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        process.destroy();
        throw new IllegalStateException("the application did not become healthy in 300 s; see " + log + ":\n" + tail(log));
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static java.security.KeyPair rsaKeys() {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A port that is free now, below Linux's ephemeral range (32768 and up): a port the kernel hands out for
     * {@code new ServerSocket(0)} can be taken by any outgoing connection (the tests', the application's, the
     * database driver's) before the application binds it, which made restarts on the same port fail at random.
     */
    static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            try (ServerSocket socket = new ServerSocket(port)) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // in use: try another
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void deleteTree(Path root) throws IOException {
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
