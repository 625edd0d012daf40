package io.filestore.replay.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.blob.BlobEncryption;
import io.filestore.blob.BlobStore;
import io.filestore.blob.BlobStoreException;
import io.filestore.blob.BlobStoreSettings;
import io.filestore.blob.PutResult;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup location of blobs, against a real blob store on the file system. */
class BackupBlobsTest {

    @TempDir
    Path root;

    private BlobStore store;
    private BackupBlobs backup;

    @BeforeEach
    void setUp() {
        store = new BlobStore(new BlobStoreSettings(List.of(root.resolve("n1"), root.resolve("n2")), 2, 0, false,
                100));
        backup = new BackupBlobs(root.resolve("backups"));
    }

    /** Heals queued by a test (a corrupt replica found) finish before the temp directory is removed. */
    @AfterEach
    void tearDown() throws InterruptedException {
        store.awaitHealed(Duration.ofSeconds(10));
        store.close();
    }

    @Test
    void copiesAVerifiedBlobOnceIntoAFanOutPath() throws Exception {
        byte[] content = "some content".getBytes(StandardCharsets.UTF_8);
        PutResult put = store.put(new ByteArrayInputStream(content), 1000, null);

        assertThat(backup.contains(put.sha256(), put.size())).isFalse();
        assertThat(backup.copyFrom(store, put.sha256(), put.size())).isEqualTo(content.length);

        Path copy = backup.path(put.sha256());
        assertThat(copy).isEqualTo(root.resolve("backups/blobs").resolve(put.sha256().substring(0, 2))
                .resolve(put.sha256().substring(2, 4)).resolve(put.sha256()));
        assertThat(Files.readAllBytes(copy)).isEqualTo(content);
        assertThat(backup.contains(put.sha256(), put.size())).isTrue();
        try (Stream<Path> tmp = Files.list(root.resolve("backups/blobs/tmp"))) {
            assertThat(tmp).isEmpty();
        }
    }

    @Test
    void removesOnlyPartialCopiesOlderThanTheGracePeriod() throws Exception {
        Path tmp = Files.createDirectories(root.resolve("backups/blobs/tmp"));
        Path abandoned = Files.writeString(tmp.resolve("copy-1.tmp"), "half a blob");
        Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path inProgress = Files.writeString(tmp.resolve("copy-2.tmp"), "being copied");

        assertThat(backup.cleanupTemp(Duration.ofHours(1))).isEqualTo(1);

        assertThat(abandoned).doesNotExist();
        assertThat(inProgress).exists();
        assertThat(new BackupBlobs(root.resolve("no-backups-yet")).cleanupTemp(Duration.ZERO)).isZero();
    }

    @Test
    void refusesToCopyABlobWhoseReplicasAreAllCorrupt() throws Exception {
        PutResult put = store.put(new ByteArrayInputStream("original".getBytes(StandardCharsets.UTF_8)), 1000, null);
        for (String node : List.of("n1", "n2")) {
            Path replica = root.resolve(node).resolve("blobs").resolve(put.sha256().substring(0, 2))
                    .resolve(put.sha256().substring(2, 4)).resolve(put.sha256());
            Files.writeString(replica, "tampered");
        }

        assertThatThrownBy(() -> backup.copyFrom(store, put.sha256(), put.size()))
                .isInstanceOf(BlobStoreException.class);
        assertThat(backup.contains(put.sha256(), put.size())).isFalse();
    }

    @Test
    void aSizeThatDoesNotMatchIsNotACopy() throws Exception {
        PutResult put = store.put(new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8)), 1000, null);
        backup.copyFrom(store, put.sha256(), put.size());

        assertThat(backup.contains(put.sha256(), put.size() + 1)).isFalse();
    }

    @Test
    void aBackupOfAnEncryptedStoreHoldsCiphertextThatRestoresOnlyWithTheMasterKey() throws Exception {
        BlobEncryption key = BlobEncryption.load(true, null, null, root.resolve("data"));
        BlobStore encrypted = new BlobStore(new BlobStoreSettings(List.of(root.resolve("e1")), 1, 0, false, 100),
                key);
        byte[] content = "PLAINTEXT-MARKER-backup ".repeat(2000).getBytes(StandardCharsets.US_ASCII);
        PutResult put = encrypted.put(new ByteArrayInputStream(content), Long.MAX_VALUE, null);

        assertThat(backup.copyFrom(encrypted, put.sha256(), put.size())).isEqualTo(content.length);

        byte[] copy = Files.readAllBytes(backup.path(put.sha256()));
        assertThat(copy.length).isGreaterThan(content.length);
        assertThat(new String(copy, StandardCharsets.ISO_8859_1)).doesNotContain("PLAINTEXT-MARKER");
        assertThat(backup.contains(put.sha256(), put.size())).isTrue();

        // a disaster: the nodes are gone, the data directory (and with it the key) is kept
        BlobStore restored = new BlobStore(new BlobStoreSettings(List.of(root.resolve("r1")), 1, 0, false, 100),
                BlobEncryption.load(true, null, null, root.resolve("data")));
        assertThat(restored.importStored(backup.path(put.sha256()), put.sha256()).size()).isEqualTo(content.length);
        try (InputStream in = restored.open(put.sha256()).openStream()) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        byte[] onNode = Files.readAllBytes(root.resolve("r1/blobs").resolve(put.sha256().substring(0, 2))
                .resolve(put.sha256().substring(2, 4)).resolve(put.sha256()));
        assertThat(new String(onNode, StandardCharsets.ISO_8859_1)).doesNotContain("PLAINTEXT-MARKER");

        // another master key cannot open it: refused, nothing stored
        BlobStore otherKey = new BlobStore(new BlobStoreSettings(List.of(root.resolve("o1")), 1, 0, false, 100),
                BlobEncryption.load(true, null, null, root.resolve("other-data")));
        assertThatThrownBy(() -> otherKey.importStored(backup.path(put.sha256()), put.sha256()))
                .isInstanceOf(BlobStoreException.class)
                .extracting(e -> ((BlobStoreException) e).reason())
                .isEqualTo(BlobStoreException.Reason.DIGEST_MISMATCH);
        assertThatThrownBy(() -> otherKey.open(put.sha256())).isInstanceOf(BlobStoreException.class);
        for (BlobStore other : List.of(encrypted, restored, otherKey)) {
            other.awaitHealed(Duration.ofSeconds(10));
            other.close();
        }
    }

    @Test
    void onlyHashesArePaths() {
        assertThatThrownBy(() -> backup.path("../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }
}
