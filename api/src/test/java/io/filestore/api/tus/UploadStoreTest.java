package io.filestore.api.tus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.blob.BlobEncryption;
import io.filestore.command.api.UserId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

class UploadStoreTest {

    private static final UserId ALICE = new UserId("alice");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

    private TusProperties properties(int maxOpenPerUser, int maxOpen) {
        return new TusProperties(Duration.ofHours(1), Duration.ofMinutes(5), maxOpenPerUser, maxOpen, true,
                DataSize.ofKilobytes(4), List.of());
    }

    private UploadStore store() {
        return new UploadStore(dir, properties(10, 100), clock);
    }

    private static InputStream bytes(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return new ByteArrayInputStream(b);
    }

    /** Creates an upload and releases its lock (as the creating request does when it ends). */
    private static TusUpload created(UploadStore store, Long length, Map<String, String> metadata)
            throws IOException {
        try (UploadStore.Lease lease = store.create(ALICE, length, metadata)) {
            return lease.upload();
        }
    }

    /** The upload, locked by {@code store} and read afresh. */
    private static UploadStore.Lease locked(UploadStore store, String id) throws IOException {
        return store.tryLock(id).orElseThrow(() -> new AssertionError("upload " + id + " is locked elsewhere"));
    }

    @Test
    void appendsAtTheOffsetAndResumesThereWhenReopened() throws IOException {
        UploadStore store = store();
        TusUpload upload;
        try (UploadStore.Lease lease = store.create(ALICE, 30_000L, Map.of("filename", "a.bin"))) {
            upload = lease.upload();
            assertThat(store.append(upload, bytes(10_000, 1), 30_000, 10_000, null)).isEqualTo(10_000);
        }

        TusUpload reopened = store().find(upload.id).orElseThrow();

        assertThat(reopened.offset()).isEqualTo(10_000);
        assertThat(reopened.length()).isEqualTo(30_000);
        assertThat(reopened.owner).isEqualTo(ALICE);
        assertThat(reopened.fileId).isEqualTo(upload.fileId);
        assertThat(reopened.metadata).containsEntry("filename", "a.bin");
    }

    @Test
    void bytesPastTheCommittedOffsetAreCutOffWhenTheUploadIsNextLocked() throws IOException {
        UploadStore store = store();
        TusUpload upload;
        try (UploadStore.Lease lease = store.create(ALICE, 30_000L, Map.of())) {
            upload = lease.upload();
            store.append(upload, bytes(10_000, 1), 30_000, -1, null);
        }
        Files.write(store.content(upload), new byte[5_000], StandardOpenOption.APPEND); // a crash mid-PATCH

        UploadStore reopened = store();
        try (UploadStore.Lease lease = locked(reopened, upload.id)) {
            assertThat(lease.upload().offset()).isEqualTo(10_000);
            assertThat(Files.size(reopened.content(upload))).isEqualTo(10_000);
        }
    }

    @Test
    void keepsWhatArrivedBeforeTheConnectionBroke() throws IOException {
        UploadStore store = store();
        try (UploadStore.Lease lease = store.create(ALICE, 30_000L, Map.of())) {
            TusUpload upload = lease.upload();

            assertThatThrownBy(() -> store.append(upload, breaksAfter(7_000), 30_000, 20_000, null))
                    .isInstanceOf(TusException.class).hasMessageContaining("resume at offset 7000");
            assertThat(upload.offset()).isEqualTo(7_000);
            assertThatThrownBy(() -> store.append(upload, bytes(3_000, 2), 30_000, 20_000, null))
                    .as("a body shorter than its Content-Length").isInstanceOf(TusException.class);
            assertThat(upload.offset()).isEqualTo(10_000);
        }
    }

    @Test
    void aChecksummedChunkIsDiscardedWholeOnMismatchOrBreak() throws Exception {
        UploadStore store = store();
        try (UploadStore.Lease lease = store.create(ALICE, 30_000L, Map.of())) {
            TusUpload upload = lease.upload();
            store.append(upload, bytes(1_000, 1), 30_000, -1, null);
            byte[] wrong = MessageDigest.getInstance("SHA-256").digest(new byte[]{1});

            assertThatThrownBy(() -> store.append(upload, bytes(5_000, 2), 29_000, -1, wrong))
                    .isInstanceOfSatisfying(TusException.class, e -> assertThat(e.status().value()).isEqualTo(460));
            assertThatThrownBy(() -> store.append(upload, breaksAfter(5_000), 29_000, -1, wrong))
                    .isInstanceOfSatisfying(TusException.class, e -> assertThat(e.status().value()).isEqualTo(400));

            assertThat(upload.offset()).isEqualTo(1_000);
            assertThat(upload.received()).isEqualTo(1_000);
            assertThat(Files.size(store.content(upload))).isEqualTo(1_000);
        }
    }

    @Test
    void aChunkPastItsLimitIs413AndLeavesNothing() throws IOException {
        UploadStore store = store();
        try (UploadStore.Lease lease = store.create(ALICE, 100L, Map.of())) {
            TusUpload upload = lease.upload();

            assertThatThrownBy(() -> store.append(upload, bytes(101, 1), 100, -1, null))
                    .isInstanceOfSatisfying(TusException.class, e -> assertThat(e.status().value()).isEqualTo(413));
            assertThat(upload.offset()).isZero();
            assertThat(Files.size(store.content(upload))).isZero();
        }
    }

    @Test
    void anUploadIsChangedOnlyUnderItsLock() throws IOException {
        UploadStore store = store();
        TusUpload upload = created(store, 100L, Map.of());

        assertThatThrownBy(() -> store.append(upload, bytes(10, 1), 100, -1, null))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void expiredUploadsAreRemovedWithTheirContentButNotWhileWritten() throws IOException {
        UploadStore store = store();
        TusUpload idle;
        try (UploadStore.Lease lease = store.create(ALICE, 30_000L, Map.of())) {
            idle = lease.upload();
            store.append(idle, bytes(10_000, 1), 30_000, -1, null);
        }
        TusUpload busy = created(store, 30_000L, Map.of());
        clock.advance(Duration.ofMinutes(50));
        TusUpload active = created(store, 30_000L, Map.of());
        try (UploadStore.Lease writing = locked(store(), busy.id)) { // held by "another instance"
            clock.advance(Duration.ofMinutes(11));

            assertThat(store.expire()).isEqualTo(1);

            assertThat(store.find(idle.id)).isEmpty();
            assertThat(store.find(busy.id)).isPresent();
            assertThat(store.find(active.id)).isPresent();
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith(idle.id));
            }
            assertThat(store().find(idle.id)).as("not back after a restart").isEmpty();
        }
        assertThat(store.expire()).as("once no longer written").isEqualTo(1);
        assertThat(store.find(busy.id)).isEmpty();
    }

    @Test
    void anExpiredUploadIsRemovedByTheNextCleanupOfAnyInstance() throws IOException {
        TusUpload upload = created(store(), 10L, Map.of());
        clock.advance(Duration.ofHours(2));

        assertThat(store().expire()).isEqualTo(1);
        assertThat(store().find(upload.id)).isEmpty();
        assertThat(dir.resolve(upload.id + ".part")).doesNotExist();
        assertThat(dir.resolve(upload.id + ".lock")).doesNotExist();
    }

    @Test
    void limitsOpenUploadsPerUserAndOverall() throws IOException {
        UploadStore store = new UploadStore(dir, properties(2, 3), clock);
        store.create(ALICE, 1L, Map.of()).close();
        store.create(ALICE, 1L, Map.of()).close();

        assertThatThrownBy(() -> store.create(ALICE, 1L, Map.of()))
                .isInstanceOfSatisfying(TusException.class, e -> assertThat(e.status().value()).isEqualTo(429));
        store.create(new UserId("bob"), 1L, Map.of()).close();
        assertThatThrownBy(() -> store.create(new UserId("carol"), 1L, Map.of()))
                .isInstanceOfSatisfying(TusException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(503);
                    assertThat(e.headers()).containsKey("Retry-After");
                });
    }

    @Test
    void findsOnlyWellFormedIds() {
        UploadStore store = store();
        assertThat(store.find("../../etc/passwd")).isEmpty();
        assertThat(store.find(null)).isEmpty();
        assertThatThrownBy(() -> store.tryLock("../../etc/passwd")).isInstanceOf(TusException.class);
    }

    /** Part files keyed by a real master key, as the blob store's encryption gives them. */
    private BlobEncryption encryptedKeys() {
        return BlobEncryption.load(true, null, null, dir.resolve("data"));
    }

    private static byte[] marked(int size) {
        byte[] marker = "TUS-PART-MARKER-".getBytes(StandardCharsets.US_ASCII);
        byte[] content = new byte[size];
        for (int i = 0; i < size; i++) {
            content[i] = marker[i % marker.length];
        }
        content[size - 1] = (byte) size;
        return content;
    }

    private static byte[] read(UploadStore store, TusUpload upload) throws IOException {
        try (InputStream in = store.openContent(upload)) {
            return in.readAllBytes();
        }
    }

    @Test
    void anEncryptedPartFileHoldsNoPlaintextAndResumesAfterACrash() throws IOException {
        BlobEncryption keys = encryptedKeys();
        UploadStore store = new UploadStore(dir.resolve("uploads"), properties(10, 100), clock, keys);
        byte[] content = marked(30_000);
        UploadStore.Lease first = store.create(ALICE, 30_000L, Map.of());
        TusUpload upload = first.upload();
        // 10,001 bytes in buffers of 4 KiB: three records
        assertThat(store.append(upload, new ByteArrayInputStream(content, 0, 10_001), 30_000, 10_001, null))
                .isEqualTo(10_001);
        first.close();
        Path part = store.content(upload);
        assertThat(Files.size(part)).isGreaterThan(10_001);
        assertThat(new String(Files.readAllBytes(part), StandardCharsets.ISO_8859_1)).doesNotContain("MARKER");
        assertThat(new String(Files.readAllBytes(dir.resolve("uploads").resolve(upload.id + ".json")),
                StandardCharsets.ISO_8859_1)).doesNotContain("MARKER").contains("\"key\"");

        // a crash mid-PATCH leaves bytes past the committed size: they are cut off, the rest still opens
        Files.write(part, new byte[777], StandardOpenOption.APPEND);
        UploadStore reopened = new UploadStore(dir.resolve("uploads"), properties(10, 100), clock, keys);
        UploadStore.Lease lease = locked(reopened, upload.id);
        TusUpload resumed = lease.upload();
        assertThat(resumed.offset()).isEqualTo(10_001);
        assertThat(read(reopened, resumed)).isEqualTo(java.util.Arrays.copyOf(content, 10_001));

        // a chunk that breaks off keeps what arrived (in the records it fills)
        assertThatThrownBy(() -> reopened.append(resumed, new java.io.SequenceInputStream(
                new ByteArrayInputStream(content, 10_001, 5_000), breaksAfter(0)), 30_000, -1, null))
                .isInstanceOf(TusException.class);
        assertThat(resumed.offset()).isEqualTo(15_001);
        assertThat(reopened.append(resumed, new ByteArrayInputStream(content, 15_001, 14_999), 30_000, 14_999, null))
                .isEqualTo(30_000);
        assertThat(read(reopened, resumed)).isEqualTo(content);
        assertThat(new String(Files.readAllBytes(part), StandardCharsets.ISO_8859_1)).doesNotContain("MARKER");
        lease.close();
    }

    @Test
    void anEncryptedPartFileThatLostItsTailResumesAtItsLastWholeRecordAndTamperingIsCaught() throws IOException {
        BlobEncryption keys = encryptedKeys();
        UploadStore store = new UploadStore(dir.resolve("uploads"), properties(10, 100), clock, keys);
        byte[] content = marked(12_288);
        TusUpload upload;
        try (UploadStore.Lease lease = store.create(ALICE, 12_288L, Map.of())) {
            upload = lease.upload();
            store.append(upload, new ByteArrayInputStream(content), 12_288, 12_288, null); // three 4 KiB records
        }
        Path part = store.content(upload);
        long size = Files.size(part);
        long record = size / 3;
        // the state was forced, the content's last record only in part (fsync off and a power cut)
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(part,
                StandardOpenOption.WRITE)) {
            channel.truncate(size - 10);
        }
        UploadStore reopened = new UploadStore(dir.resolve("uploads"), properties(10, 100), clock, keys);
        UploadStore.Lease lease = locked(reopened, upload.id);
        TusUpload resumed = lease.upload();
        assertThat(resumed.offset()).isEqualTo(8_192);
        assertThat(Files.size(part)).isEqualTo(2 * record);
        assertThat(read(reopened, resumed)).isEqualTo(java.util.Arrays.copyOf(content, 8_192));

        // one flipped bit is an error, never a wrong byte
        byte[] bytes = Files.readAllBytes(part);
        bytes[(int) record + 100] ^= 1;
        Files.write(part, bytes);
        assertThatThrownBy(() -> read(reopened, resumed)).isInstanceOf(IOException.class)
                .hasMessageContaining("does not authenticate");
        // two records swapped do not open either: each is bound to its offset
        byte[] swapped = new byte[bytes.length];
        bytes[(int) record + 100] ^= 1;
        System.arraycopy(bytes, (int) record, swapped, 0, (int) record);
        System.arraycopy(bytes, 0, swapped, (int) record, (int) record);
        Files.write(part, swapped);
        assertThatThrownBy(() -> read(reopened, resumed)).isInstanceOf(IOException.class);
        lease.close();
    }

    private static InputStream breaksAfter(int n) {
        return new InputStream() {
            private int sent;

            @Override
            public int read() throws IOException {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (sent >= n) {
                    throw new IOException("connection reset");
                }
                int count = Math.min(len, n - sent);
                sent += count;
                return count;
            }
        };
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
