package io.filestore.blob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real S3 server for tests (blob-store's, and through its test jar the end-to-end tests'): s3proxy 2.6.0 with its jclouds {@code filesystem} backend, run as its own Java process
 * from the self-contained jar Maven copies to {@code target/s3proxy/s3proxy.jar} (system property
 * {@code s3proxy.jar}). Objects are plain files under {@code <dir>/data/<bucket>/<key>}, so tests can look at them
 * and damage them. {@link #stop()} kills the process; {@link #start()} brings it back on the same port and data.
 */
public final class S3Server implements AutoCloseable {

    public static final String IDENTITY = "test-access-key";
    public static final String CREDENTIAL = "test-secret-key";

    private final Path dir;
    private final int port;
    private Process process;

    public S3Server(Path dir) throws IOException {
        this.dir = dir;
        this.port = freePort();
        Files.createDirectories(dir.resolve("data"));
        Path properties = dir.resolve("s3proxy.properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + IDENTITY,
                "s3proxy.credential=" + CREDENTIAL,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + dir.resolve("data").toAbsolutePath(),
                ""));
    }

    /** Starts a server and creates the buckets (directories of the filesystem backend). */
    public static S3Server started(Path dir, String... buckets) throws IOException {
        S3Server server = new S3Server(dir);
        for (String bucket : buckets) {
            Files.createDirectories(dir.resolve("data").resolve(bucket));
        }
        server.start();
        return server;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Where the backend keeps an object. */
    public Path object(String bucket, String key) {
        return dir.resolve("data").resolve(bucket).resolve(key);
    }

    S3NodeSettings node(String bucket, String prefix, String location) {
        return new S3NodeSettings(endpoint(), "us-east-1", bucket, prefix, true, IDENTITY, CREDENTIAL, location,
                S3NodeSettings.MIN_PART_SIZE, 8, Duration.ofSeconds(5), 1, Duration.ZERO);
    }

    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        Path jar = Path.of(System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("s3proxy jar missing at " + jar.toAbsolutePath()
                    + " (Maven copies it in process-test-resources)");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar.toAbsolutePath().toString(),
                "--properties", dir.resolve("s3proxy.properties").toAbsolutePath().toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()));
        builder.environment().put("LOG_LEVEL", "warn");
        process = builder.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!answers()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("s3proxy exited with " + process.exitValue() + "; see "
                        + dir.resolve("s3proxy.log"));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not listen on port " + port + " within 60 s");
            }
            sleep(100);
        }
    }

    /** Kills the server (as a crash or a network partition would look to the store). */
    public synchronized void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            while (answers()) {
                sleep(50);
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
