package io.filestore.api.tus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.command.api.UserId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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

    @Test
    void appendsAtTheOffsetAndResumesThereWhenReopened() throws IOException {
        UploadStore store = store();
        TusUpload upload = store.create(ALICE, 30_000L, Map.of("filename", "a.bin"));
        assertThat(store.append(upload, bytes(10_000, 1), 30_000, 10_000, null)).isEqualTo(10_000);

        TusUpload reopened = store().find(upload.id).orElseThrow();

        assertThat(reopened.offset()).isEqualTo(10_000);
        assertThat(reopened.length()).isEqualTo(30_000);
        assertThat(reopened.owner).isEqualTo(ALICE);
        assertThat(reopened.fileId).isEqualTo(upload.fileId);
        assertThat(reopened.metadata).containsEntry("filename", "a.bin");
    }

    @Test
    void bytesPastTheCommittedOffsetAreCutOffWhenReopened() throws IOException {
        UploadStore store = store();
        TusUpload upload = store.create(ALICE, 30_000L, Map.of());
        store.append(upload, bytes(10_000, 1), 30_000, -1, null);
        Files.write(store.content(upload), new byte[5_000], StandardOpenOption.APPEND); // a crash mid-PATCH

        UploadStore reopened = store();

        assertThat(reopened.find(upload.id).orElseThrow().offset()).isEqualTo(10_000);
        assertThat(Files.size(reopened.content(upload))).isEqualTo(10_000);
    }

    @Test
    void keepsWhatArrivedBeforeTheConnectionBroke() throws IOException {
        UploadStore store = store();
        TusUpload upload = store.create(ALICE, 30_000L, Map.of());

        assertThatThrownBy(() -> store.append(upload, breaksAfter(7_000), 30_000, 20_000, null))
                .isInstanceOf(TusException.class).hasMessageContaining("resume at offset 7000");
        assertThat(upload.offset()).isEqualTo(7_000);
        assertThatThrownBy(() -> store.append(upload, bytes(3_000, 2), 30_000, 20_000, null))
                .as("a body shorter than its Content-Length").isInstanceOf(TusException.class);
        assertThat(upload.offset()).isEqualTo(10_000);
    }

    @Test
    void aChecksummedChunkIsDiscardedWholeOnMismatchOrBreak() throws Exception {
        UploadStore store = store();
        TusUpload upload = store.create(ALICE, 30_000L, Map.of());
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

    @Test
    void aChunkPastItsLimitIs413AndLeavesNothing() throws IOException {
        UploadStore store = store();
        TusUpload upload = store.create(ALICE, 100L, Map.of());

        assertThatThrownBy(() -> store.append(upload, bytes(101, 1), 100, -1, null))
                .isInstanceOfSatisfying(TusException.class, e -> assertThat(e.status().value()).isEqualTo(413));
        assertThat(upload.offset()).isZero();
        assertThat(Files.size(store.content(upload))).isZero();
    }

    @Test
    void expiredUploadsAreRemovedWithTheirContentButNotWhileWritten() throws IOException {
        UploadStore store = store();
        TusUpload idle = store.create(ALICE, 30_000L, Map.of());
        store.append(idle, bytes(10_000, 1), 30_000, -1, null);
        TusUpload busy = store.create(ALICE, 30_000L, Map.of());
        clock.advance(Duration.ofMinutes(50));
        TusUpload active = store.create(ALICE, 30_000L, Map.of());
        busy.tryLock();
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

    @Test
    void anExpiredUploadIsNotLoadedAfterARestart() throws IOException {
        TusUpload upload = store().create(ALICE, 10L, Map.of());
        clock.advance(Duration.ofHours(2));

        assertThat(store().find(upload.id)).isEmpty();
        assertThat(dir.resolve(upload.id + ".part")).doesNotExist();
    }

    @Test
    void limitsOpenUploadsPerUserAndOverall() throws IOException {
        UploadStore store = new UploadStore(dir, properties(2, 3), clock);
        store.create(ALICE, 1L, Map.of());
        store.create(ALICE, 1L, Map.of());

        assertThatThrownBy(() -> store.create(ALICE, 1L, Map.of()))
                .isInstanceOfSatisfying(TusException.class, e -> assertThat(e.status().value()).isEqualTo(429));
        store.create(new UserId("bob"), 1L, Map.of());
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
