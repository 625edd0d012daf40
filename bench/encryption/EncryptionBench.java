import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import io.filestore.blob.BlobEncryption;
import io.filestore.blob.BlobStore;
import io.filestore.blob.BlobStoreSettings;
import io.filestore.blob.ReadableBlob;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Encryption benchmark (bench/encryption/run.sh): upload and download of 1 MiB (20 per repetition) and 100 MiB blobs
 * through one directory node, plaintext and encrypted interleaved in one run, measuring wall time and the process's
 * CPU time; then Tink's streaming AEAD alone with 1 MiB and 4 KiB segments (encrypt and decrypt of 100 MiB in
 * memory). A warm-up of 500 MiB each comes first (not measured). Arguments: WORK_DIR REPS. Prints one line per measurement: {@code name bytes wall-seconds cpu-seconds}.
 */
public final class EncryptionBench {

    private static final int MIB = 1024 * 1024;
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    static final class RandomStream extends InputStream {
        private final SplittableRandom random;
        private long remaining;

        RandomStream(long size, long seed) {
            this.random = new SplittableRandom(seed);
            this.remaining = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            for (int i = 0; i < n; i += 8) {
                long v = random.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    b[off + i + j] = (byte) (v >>> (8 * j));
                }
            }
            remaining -= n;
            return n;
        }
    }

    interface Task {
        void run() throws Exception;
    }

    static void measure(String name, long bytes, Task task) throws Exception {
        long cpu = OS.getProcessCpuTime();
        long wall = System.nanoTime();
        task.run();
        double wallSeconds = (System.nanoTime() - wall) / 1e9;
        double cpuSeconds = (OS.getProcessCpuTime() - cpu) / 1e9;
        System.out.printf("%s %d %.4f %.4f%n", name, bytes, wallSeconds, cpuSeconds);
    }

    static void drain(ReadableBlob blob) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = blob.openStream()) {
            while (in.read(buffer) >= 0) {
                // discard
            }
        }
    }

    /** A whole download as the HTTP layer served every one before: the bytes hashed as they stream. */
    static void drainHashed(ReadableBlob blob) throws Exception {
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = blob.openStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
        }
        if (!java.util.HexFormat.of().formatHex(digest.digest()).equals(blob.sha256())) {
            throw new IllegalStateException("blob " + blob.sha256() + " did not hash to its id");
        }
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int reps = Integer.parseInt(args[1]);
        BlobStore plain = new BlobStore(new BlobStoreSettings(List.of(work.resolve("plain-node")), 1, 0, true,
                10_000, Duration.ofMinutes(5), 1000), BlobEncryption.none());
        BlobStore encrypted = new BlobStore(new BlobStoreSettings(List.of(work.resolve("encrypted-node")), 1, 0,
                true, 10_000, Duration.ofMinutes(5), 1000),
                BlobEncryption.load(true, null, null, work.resolve("data")));
        // warm-up, not measured: the JIT compiles AES-GCM and SHA-256 to their CPU intrinsics only after a few
        // hundred MiB (before that, AES-GCM runs ~20x slower); a running service is warm
        for (int i = 0; i < 5; i++) {
            for (BlobStore store : new BlobStore[] {plain, encrypted}) {
                String id = store.put(new RandomStream(100L * MIB, -1 - i), Long.MAX_VALUE, null).sha256();
                drain(store.open(id, BlobStore.ReadCheck.WHILE_STREAMING));
            }
        }
        long seed = 1;
        for (int rep = 0; rep < reps; rep++) {
            for (String kind : new String[] {"plain", "encrypted"}) {
                BlobStore store = kind.equals("plain") ? plain : encrypted;
                String[] ids = new String[20];
                long base = seed;
                measure("upload-1MiB-" + kind, 20L * MIB, () -> {
                    for (int i = 0; i < 20; i++) {
                        ids[i] = store.put(new RandomStream(MIB, base + i), Long.MAX_VALUE, null).sha256();
                    }
                });
                measure("download-1MiB-" + kind, 20L * MIB, () -> {
                    for (String id : ids) {
                        drain(store.open(id, BlobStore.ReadCheck.WHILE_STREAMING));
                    }
                });
                String[] big = new String[1];
                measure("upload-100MiB-" + kind, 100L * MIB, () ->
                        big[0] = store.put(new RandomStream(100L * MIB, base + 100), Long.MAX_VALUE, null).sha256());
                measure("download-100MiB-" + kind, 100L * MIB, () ->
                        drain(store.open(big[0], BlobStore.ReadCheck.WHILE_STREAMING)));
                // a whole download over HTTP: plaintext is hashed while it streams; an encrypted blob was too (the
                // A of the A/B), and now is only authenticated by its AEAD tags (the B: the plain drain above)
                measure("http-100MiB-" + kind + "-hashed", 100L * MIB, () ->
                        drainHashed(store.open(big[0], BlobStore.ReadCheck.WHILE_STREAMING)));
            }
            seed += 1000;
        }
        plain.close();
        encrypted.close();

        // Tink alone, in memory: 1 MiB against 4 KiB segments
        StreamingAeadConfig.register();
        byte[] content = new RandomStream(100L * MIB, 7).readAllBytes();
        for (int rep = 0; rep < reps; rep++) {
            for (String segments : new String[] {"1MiB", "4KiB"}) {
                KeysetHandle key = KeysetHandle.generateNew(segments.equals("1MiB")
                        ? PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB
                        : PredefinedStreamingAeadParameters.AES256_GCM_HKDF_4KB);
                StreamingAead aead = key.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
                java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream(content.length + MIB);
                measure("tink-encrypt-100MiB-" + segments, 100L * MIB, () -> {
                    try (OutputStream out = aead.newEncryptingStream(sink, new byte[0])) {
                        for (int off = 0; off < content.length; off += 64 * 1024) {
                            out.write(content, off, Math.min(64 * 1024, content.length - off));
                        }
                    }
                });
                byte[] ciphertext = sink.toByteArray();
                System.out.printf("# ciphertext overhead with %s segments: %d bytes for 100 MiB%n", segments,
                        ciphertext.length - content.length);
                measure("tink-decrypt-100MiB-" + segments, 100L * MIB, () -> {
                    byte[] buffer = new byte[64 * 1024];
                    try (InputStream in = aead.newDecryptingStream(new ByteArrayInputStream(ciphertext),
                            new byte[0])) {
                        while (in.read(buffer) >= 0) {
                            // discard
                        }
                    }
                });
            }
        }
        Files.walk(work).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
}
