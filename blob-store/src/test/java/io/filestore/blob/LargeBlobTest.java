package io.filestore.blob;

import static io.filestore.blob.TestData.holders;
import static io.filestore.blob.TestData.nodeDirs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A blob far larger than anything the store may hold in memory, generated while it is read. */
class LargeBlobTest {

    private static final long SIZE = 200L * 1024 * 1024;

    @TempDir
    Path root;

    @Test
    void streamsALargeBlobWithoutHoldingItInMemory() throws Exception {
        com.sun.management.ThreadMXBean threads = allocationCounter();
        List<Path> nodes = nodeDirs(root, 2);
        BlobStore store = new BlobStore(new BlobStoreSettings(nodes, 2, 0, false, 10));
        String expected = sha256Of(new GeneratedStream(SIZE, 42));

        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        PutResult result = store.put(new GeneratedStream(SIZE, 42), SIZE, expected);
        long allocatedByPut = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;

        assertThat(result.sha256()).isEqualTo(expected);
        assertThat(result.size()).isEqualTo(SIZE);
        assertThat(result.replicas()).isEqualTo(2);
        // writing 200 MiB twice (staged file and a verified copy) allocates a few buffers, not the content
        assertThat(allocatedByPut).isLessThan(16L * 1024 * 1024);
        assertThat(holders(nodes, expected)).containsExactly(0, 1);
        ReadableBlob blob = store.open(expected);
        assertThat(blob.size()).isEqualTo(SIZE);
        assertThat(Files.size(blob.path())).isEqualTo(SIZE);
    }

    private static com.sun.management.ThreadMXBean allocationCounter() {
        var bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "JVM cannot count allocated bytes");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "JVM cannot count allocated bytes");
        threads.setThreadAllocatedMemoryEnabled(true);
        return threads;
    }

    private static String sha256Of(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[256 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Pseudo-random bytes (xorshift), produced into the caller's buffer: allocates nothing per read. */
    static final class GeneratedStream extends InputStream {
        private long remaining;
        private long state;

        GeneratedStream(long size, long seed) {
            this.remaining = size;
            this.state = seed * 0x9e3779b97f4a7c15L + 1;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(length, remaining);
            for (int i = 0; i < n; i++) {
                if ((i & 7) == 0) {
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                }
                buffer[offset + i] = (byte) (state >>> ((i & 7) * 8));
            }
            remaining -= n;
            return n;
        }
    }
}
