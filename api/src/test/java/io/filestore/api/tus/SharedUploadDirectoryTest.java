package io.filestore.api.tus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.command.api.UserId;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two service instances sharing one upload directory, as behind a load balancer without sticky sessions: each
 * {@link UploadStore} here is one instance, and {@link TusLockHolder} is an instance in its own process, killed
 * (SIGKILL) in the middle of a PATCH.
 */
class SharedUploadDirectoryTest {

    private static final UserId ALICE = new UserId("alice");

    @TempDir
    Path dir;

    /** Deterministic content: byte {@code i} of the upload is {@code i * 7 mod 251}. */
    static byte[] content(int from, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ((from + i) * 7 % 251);
        }
        return bytes;
    }

    private UploadStore instance() {
        return new UploadStore(dir, TusLockHolder.properties(), Clock.systemUTC());
    }

    private static byte[] read(UploadStore store, TusUpload upload) throws IOException {
        try (InputStream in = store.openContent(upload)) {
            return in.readAllBytes();
        }
    }

    @Test
    void eachRequestMayGoToEitherInstanceAndNeverWorksFromAStaleOffset() throws IOException {
        UploadStore first = instance();
        UploadStore second = instance();
        String id;
        try (UploadStore.Lease lease = first.create(ALICE, 30_000L, Map.of())) {
            id = lease.upload().id;
            first.append(lease.upload(), new ByteArrayInputStream(content(0, 10_000)), 30_000, 10_000, null);
            assertThat(second.tryLock(id)).as("the first instance is writing it").isEmpty();
        }
        TusUpload seenByFirst = first.find(id).orElseThrow();

        try (UploadStore.Lease lease = second.tryLock(id).orElseThrow()) {
            assertThat(lease.upload().offset()).isEqualTo(10_000);
            second.append(lease.upload(), new ByteArrayInputStream(content(10_000, 5_000)), 20_000, 5_000, null);
            assertThat(first.tryLock(id)).as("the second instance is writing it").isEmpty();
        }

        assertThat(seenByFirst.offset()).as("an earlier read").isEqualTo(10_000);
        try (UploadStore.Lease lease = first.tryLock(id).orElseThrow()) {
            assertThat(lease.upload().offset()).as("read afresh under the lock").isEqualTo(15_000);
            first.append(lease.upload(), new ByteArrayInputStream(content(15_000, 15_000)), 15_000, 15_000, null);
            assertThat(read(first, lease.upload())).isEqualTo(content(0, 30_000));
        }
        try (UploadStore.Lease lease = second.tryLock(id).orElseThrow()) {
            second.delete(lease.upload());
        }
        assertThat(first.find(id)).isEmpty();
        assertThatThrownBy(() -> first.tryLock(id)).isInstanceOfSatisfying(TusException.class,
                e -> assertThat(e.status().value()).isEqualTo(404));
    }

    @Test
    void theOpenUploadLimitsCountEveryInstancesUploads() throws IOException {
        TusProperties two = new TusProperties(java.time.Duration.ofHours(1), java.time.Duration.ofMinutes(5), 2, 3,
                true, org.springframework.util.unit.DataSize.ofKilobytes(4), java.util.List.of());
        UploadStore first = new UploadStore(dir, two, Clock.systemUTC());
        UploadStore second = new UploadStore(dir, two, Clock.systemUTC());
        first.create(ALICE, 1L, Map.of()).close();
        second.create(ALICE, 1L, Map.of()).close();

        assertThatThrownBy(() -> first.create(ALICE, 1L, Map.of())).isInstanceOfSatisfying(TusException.class,
                e -> assertThat(e.status().value()).isEqualTo(429));
        first.create(new UserId("bob"), 1L, Map.of()).close();
        assertThatThrownBy(() -> second.create(new UserId("carol"), 1L, Map.of()))
                .isInstanceOfSatisfying(TusException.class, e -> assertThat(e.status().value()).isEqualTo(503));
        assertThat(second.all()).hasSize(3);
    }

    @Test
    void anInstanceKilledInTheMiddleOfAPatchLeavesTheUploadResumableElsewhereAtItsCommittedOffset()
            throws Exception {
        UploadStore survivor = instance();
        String id;
        try (UploadStore.Lease lease = survivor.create(ALICE, 30_000L, Map.of())) {
            id = lease.upload().id;
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process other = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                TusLockHolder.class.getName(), dir.toString(), id, "10000", "9000")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals("HOLDING"));
            assertThat(line).as("the other instance is in the middle of a PATCH").isEqualTo("HOLDING");

            assertThat(survivor.tryLock(id)).as("locked by the other process").isEmpty();
            assertThat(Files.size(dir.resolve(id + ".part"))).as("two buffers of the stalled chunk written")
                    .isEqualTo(10_000 + 8_192);
        } finally {
            other.destroyForcibly(); // SIGKILL: no finally block, no shutdown hook runs over there
            assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        Optional<UploadStore.Lease> taken = survivor.tryLock(id);
        assertThat(taken).as("the OS released the dead process's lock").isPresent();
        try (UploadStore.Lease lease = taken.get()) {
            TusUpload upload = lease.upload();
            assertThat(upload.offset()).as("the last committed offset").isEqualTo(10_000);
            assertThat(Files.size(dir.resolve(id + ".part"))).as("the unacknowledged bytes cut off")
                    .isEqualTo(10_000);
            survivor.append(upload, new ByteArrayInputStream(content(10_000, 20_000)), 20_000, 20_000, null);
            assertThat(read(survivor, upload)).isEqualTo(content(0, 30_000));
        }
    }
}
