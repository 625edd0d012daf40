package io.filestore.blob;

import static io.filestore.blob.TestData.filesUnder;
import static io.filestore.blob.TestData.holders;
import static io.filestore.blob.TestData.nodeDirs;
import static io.filestore.blob.TestData.randomBytes;
import static io.filestore.blob.TestData.replicaPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.blob.BlobStore.ReadCheck;
import io.filestore.blob.BlobStoreException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bit rot that keeps size and mtime, heal on read, and the health the store reports. */
class HealingTest {

    @TempDir
    Path root;
    List<Path> nodes;
    BlobStore store;

    @BeforeEach
    void open() {
        nodes = nodeDirs(root, 3);
        store = new BlobStore(new BlobStoreSettings(nodes, 2, 0, false, 1000, Duration.ZERO, 10));
    }

    @AfterEach
    void close() {
        store.close();
    }

    String put(byte[] content) {
        return store.put(new ByteArrayInputStream(content), Long.MAX_VALUE, null).sha256();
    }

    /** Flips one byte in place and puts the modification time back: size, mtime and inode stay the same. */
    static void flipByteKeepingMtime(Path replica) throws IOException {
        FileTime modified = Files.getLastModifiedTime(replica);
        try (RandomAccessFile file = new RandomAccessFile(replica.toFile(), "rw")) {
            file.seek(file.length() / 2);
            int b = file.read();
            file.seek(file.length() / 2);
            file.write(b ^ 0x01);
        }
        Files.setLastModifiedTime(replica, modified);
    }

    @Test
    void aFlippedByteWithItsMtimePutBackIsNotTrustedOnceTheVerificationIsOlderThanTheMaximumAge() throws Exception {
        byte[] content = randomBytes(50_000, 1);
        String id = put(content);
        Path first = store.open(id).path();
        flipByteKeepingMtime(first);

        ReadableBlob served = store.open(id);

        assertThat(served.path()).isNotEqualTo(first);
        assertThat(Files.readAllBytes(served.path())).isEqualTo(content);
        assertThat(store.awaitHealed(Duration.ofSeconds(10))).isTrue();
        assertThat(holders(nodes, id)).hasSize(2);
        for (int holder : holders(nodes, id)) {
            assertThat(Files.readAllBytes(replicaPath(nodes.get(holder), id))).isEqualTo(content);
        }
    }

    @Test
    void aReplicaReportedCorruptByAStreamingReaderIsQuarantinedAndRecreated() throws Exception {
        byte[] content = randomBytes(50_000, 2);
        String id = put(content);
        ReadableBlob streamed = store.open(id, ReadCheck.WHILE_STREAMING);
        flipByteKeepingMtime(streamed.path());
        BlobStore slowHealer = store;

        slowHealer.reportCorrupt(streamed, "0".repeat(64));
        assertThat(store.awaitHealed(Duration.ofSeconds(10))).isTrue();

        assertThat(holders(nodes, id)).hasSize(2);
        for (int holder : holders(nodes, id)) {
            assertThat(Files.readAllBytes(replicaPath(nodes.get(holder), id))).isEqualTo(content);
        }
        assertThat(nodes.stream().mapToInt(node -> filesUnder(node.resolve("quarantine")).size()).sum())
                .isEqualTo(1);
        assertThat(store.health().replicasHealed()).isEqualTo(1);
        assertThat(store.health().redundant()).isTrue();
    }

    @Test
    void aSuspectReplicaIsHashedBeforeItIsStreamedAgain() throws Exception {
        byte[] content = randomBytes(50_000, 3);
        String id = put(content);
        ReadableBlob streamed = store.open(id, ReadCheck.WHILE_STREAMING);
        flipByteKeepingMtime(streamed.path());
        store.close(); // no healer: the suspect stays where it is
        store.reportCorrupt(streamed, "0".repeat(64));

        ReadableBlob again = store.open(id, ReadCheck.WHILE_STREAMING);

        assertThat(again.path()).isNotEqualTo(streamed.path());
        assertThat(Files.readAllBytes(again.path())).isEqualTo(content);
    }

    @Test
    void aMissingReplicaFoundByAReadIsRecreatedInTheBackground() throws Exception {
        byte[] content = randomBytes(30_000, 4);
        String id = put(content);
        List<Integer> holders = holders(nodes, id);
        Files.delete(replicaPath(nodes.get(holders.get(0)), id));

        assertThat(Files.readAllBytes(store.open(id, ReadCheck.WHILE_STREAMING).path())).isEqualTo(content);
        assertThat(store.awaitHealed(Duration.ofSeconds(10))).isTrue();

        assertThat(holders(nodes, id)).isEqualTo(holders);
        assertThat(store.health().healsDone()).isEqualTo(1);
    }

    @Test
    void aDestroyedNodeDirectoryIsHealedOntoTheRemainingNodes() throws Exception {
        byte[] content = randomBytes(30_000, 5);
        String id = put(content);
        List<Integer> holders = holders(nodes, id);
        TestData.deleteRecursively(nodes.get(holders.get(0)));

        assertThat(Files.readAllBytes(store.open(id, ReadCheck.WHILE_STREAMING).path())).isEqualTo(content);
        assertThat(store.awaitHealed(Duration.ofSeconds(10))).isTrue();

        assertThat(holders(nodes, id)).hasSize(2).doesNotContain(holders.get(0));
    }

    @Test
    void aBlobWithNoIntactReplicaIsReportedUnrecoverable() throws Exception {
        String id = put(randomBytes(30_000, 6));
        for (int holder : holders(nodes, id)) {
            flipByteKeepingMtime(replicaPath(nodes.get(holder), id));
        }

        assertThatThrownBy(() -> store.open(id))
                .isInstanceOfSatisfying(BlobStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT));

        assertThat(store.health().unrecoverable()).isEqualTo(1);
        assertThat(store.health().unrecoverableBlobs()).containsExactly(id);
        assertThat(store.health().redundant()).isFalse();
    }

    @Test
    void aLostBlobPutBackIsNoLongerReportedUnrecoverable() throws Exception {
        byte[] content = randomBytes(30_000, 8);
        String id = put(content);
        for (int holder : holders(nodes, id)) {
            java.nio.file.Files.delete(replicaPath(nodes.get(holder), id));
        }
        assertThatThrownBy(() -> store.open(id)).isInstanceOf(BlobStoreException.class);
        assertThat(store.health().unrecoverable()).isEqualTo(1);

        put(content); // as a restore copies a lost blob back from the backup

        assertThat(store.health().unrecoverable()).isZero();
        assertThat(store.health().redundant()).isTrue();
    }

    @Test
    void aBlobOnlyOnDownNodesIsOfflineNotLost() throws Exception {
        String id = put(randomBytes(30_000, 7));
        for (int holder : holders(nodes, id)) {
            Files.move(nodes.get(holder), root.resolve("unmounted-" + holder));
        }

        assertThatThrownBy(() -> store.open(id))
                .isInstanceOfSatisfying(BlobStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.OFFLINE));
        assertThat(store.health().unrecoverable()).isZero();
    }

    @Test
    void aRepairedBlobLeavesTheUnderReplicatedCount() throws Exception {
        String id = put(randomBytes(30_000, 8));
        Path spare = nodes.get(3 - holders(nodes, id).stream().mapToInt(Integer::intValue).sum());
        Path holder = nodes.get(holders(nodes, id).get(0));
        Files.move(spare, root.resolve("spare-away"));
        Files.move(holder, root.resolve("holder-away"));
        store.repair(id);
        assertThat(store.health().underReplicated()).isEqualTo(1);

        Files.move(root.resolve("spare-away"), spare);
        store.repair(id);

        assertThat(store.health().underReplicated()).isZero();
    }
}
