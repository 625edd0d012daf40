import io.filestore.blob.BlobStore;
import io.filestore.blob.BlobStoreSettings;
import io.filestore.blob.PutResult;
import io.filestore.blob.ReadableBlob;
import io.filestore.blob.S3NodeSettings;
import io.filestore.blob.ScrubReport;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Storage benchmark (bench/storage/run.sh): upload and download of 1 MiB and 100 MiB blobs through a directory node
 * and through an S3 node (s3proxy, filesystem backend, on the same disk) in one run, and the scrub's throughput on a
 * directory node. Arguments: WORK_DIR S3_ENDPOINT BUCKET REPS. Prints one line per measurement:
 * {@code name bytes seconds}.
 */
public final class StorageBench {

    private static final int MIB = 1024 * 1024;

    /** A stream of pseudo-random bytes (incompressible, unique per seed) that never lives in memory whole. */
    static final class RandomStream extends InputStream {
        private final SplittableRandom random;
        private long remaining;

        RandomStream(long size, long seed) {
            this.random = new SplittableRandom(seed);
            this.remaining = size;
        }

        @Override
        public int read() {
            if (remaining <= 0) {
                return -1;
            }
            remaining--;
            return random.nextInt(256);
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

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        if (args[1].equals("scrub")) {
            scrub(work);
            return;
        }
        URI endpoint = URI.create(args[1]);
        String bucket = args[2];
        int reps = Integer.parseInt(args[3]);
        BlobStoreSettings dir = new BlobStoreSettings(List.of(work.resolve("dir-node")), 1, 0, true, 10_000,
                Duration.ofMinutes(5), 1000, List.of());
        S3NodeSettings s3Node = new S3NodeSettings(endpoint, "us-east-1", bucket, "", true, "bench", "bench-secret",
                "default", 16L * MIB, 8, Duration.ofSeconds(60), 3, Duration.ofSeconds(2));
        BlobStoreSettings s3 = new BlobStoreSettings(List.of(), 1, 0, true, 10_000, Duration.ofMinutes(5), 1000,
                List.of(), List.of(s3Node), work.resolve("staging"));
        long seed = 1;
        try (BlobStore dirStore = new BlobStore(dir); BlobStore s3Store = new BlobStore(s3)) {
            for (int rep = 0; rep < reps; rep++) {
                for (long size : new long[] {MIB, 100L * MIB}) {
                    int count = size == MIB ? 20 : 1;
                    // interleaved: directory, then S3, with the same amount of fresh content each
                    for (String kind : new String[] {"dir", "s3"}) {
                        BlobStore store = kind.equals("dir") ? dirStore : s3Store;
                        List<String> ids = new ArrayList<>();
                        long start = System.nanoTime();
                        for (int i = 0; i < count; i++) {
                            PutResult put = store.put(new RandomStream(size, seed++), Long.MAX_VALUE, null);
                            ids.add(put.sha256());
                        }
                        report("upload-" + label(size) + "-" + kind, size * count, System.nanoTime() - start);
                        start = System.nanoTime();
                        byte[] buffer = new byte[256 * 1024];
                        for (String id : ids) {
                            // as the service serves a whole download: read while hashing, compare at the end
                            ReadableBlob blob = store.open(id, BlobStore.ReadCheck.WHILE_STREAMING);
                            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
                            try (InputStream in = blob.openStream()) {
                                int n;
                                while ((n = in.read(buffer)) >= 0) {
                                    digest.update(buffer, 0, n);
                                }
                            }
                            if (!java.util.HexFormat.of().formatHex(digest.digest()).equals(id)) {
                                throw new IllegalStateException("blob " + id + " read back wrong");
                            }
                        }
                        report("download-" + label(size) + "-" + kind, size * count, System.nanoTime() - start);
                    }
                }
            }
        }
    }

    /** Scrubs the directory node written by {@link #main} (run after the page cache was dropped, when possible). */
    static void scrub(Path work) {
        BlobStoreSettings dir = new BlobStoreSettings(List.of(work.resolve("dir-node")), 1, 0, true, 10_000,
                Duration.ofMinutes(5), 1000, List.of());
        try (BlobStore store = new BlobStore(dir)) {
            long start = System.nanoTime();
            ScrubReport report = store.scrub();
            long nanos = System.nanoTime() - start;
            long bytes = 0;
            try (var ids = store.list()) {
                for (String id : (Iterable<String>) ids::iterator) {
                    bytes += store.open(id, BlobStore.ReadCheck.WHILE_STREAMING).size();
                }
            }
            report("scrub-dir-" + report.blobsChecked() + "-blobs", bytes, nanos);
        }
    }

    private static String label(long size) {
        return size / MIB + "MiB";
    }

    private static void report(String name, long bytes, long nanos) {
        System.out.printf("%s %d %.6f%n", name, bytes, nanos / 1e9);
    }
}
