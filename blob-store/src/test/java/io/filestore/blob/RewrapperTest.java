package io.filestore.blob;

import static io.filestore.blob.TestData.nodeDirs;
import static io.filestore.blob.TestData.randomBytes;
import static io.filestore.blob.TestData.replicaPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key rotation: a new primary master key, every data key re-wrapped in place, the old key retired. */
class RewrapperTest {

    @TempDir
    Path root;

    private final List<BlobStore> opened = new ArrayList<>();

    private BlobStore store(List<Path> nodes) {
        return opened(new BlobStore(new BlobStoreSettings(nodes, 2, 0, false, 1000, Duration.ZERO, 10),
                BlobEncryption.load(true, null, null, root.resolve("data"))));
    }

    private BlobStore opened(BlobStore store) {
        opened.add(store);
        return store;
    }

    /** Heals a test queued (a damaged replica found) finish before the temp directory is removed. */
    @AfterEach
    void closeStores() throws InterruptedException {
        for (BlobStore store : opened) {
            store.awaitHealed(Duration.ofSeconds(10));
            store.close();
        }
    }

    private static byte[] read(BlobStore store, String id) throws IOException {
        try (InputStream in = store.open(id).openStream()) {
            return in.readAllBytes();
        }
    }

    /** The non-empty key slots of a replica's header: 1 after a completed re-wrap. */
    private static int usedSlots(Path replica) throws IOException {
        byte[] header = new byte[BlobEncryption.HEADER_SIZE];
        try (RandomAccessFile file = new RandomAccessFile(replica.toFile(), "r")) {
            file.readFully(header);
        }
        ByteBuffer buffer = ByteBuffer.wrap(header);
        return (buffer.getInt(BlobEncryption.SLOT_A) > 0 ? 1 : 0) + (buffer.getInt(BlobEncryption.SLOT_B) > 0 ? 1 : 0);
    }

    @Test
    void aRotationRewrapsEveryDataKeySoTheOldKeyCanBeRetiredAndEverythingStillReads() throws Exception {
        List<Path> nodes = nodeDirs(root, 3);
        BlobStore store = store(nodes);
        Map<String, byte[]> contents = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            byte[] content = randomBytes(100_000 + i * 70_000, i);
            contents.put(store.put(new ByteArrayInputStream(content), Long.MAX_VALUE, null).sha256(), content);
        }
        // a backup's copy of one blob, in its stored form
        Path copies = root.resolve("backups/blobs");
        String copied = contents.keySet().iterator().next();
        Path copy = copies.resolve(copied.substring(0, 2)).resolve(copied.substring(2, 4)).resolve(copied);
        Files.createDirectories(copy.getParent());
        store.exportStored(copied, copy);

        BlobEncryption encryption = store.encryption();
        int old = encryption.primaryKeyId();
        int primary = encryption.rotate();
        assertThat(primary).isNotEqualTo(old);
        assertThat(encryption.masterKeys()).extracting(BlobEncryption.MasterKey::id).containsExactly(old, primary);
        byte[] after = randomBytes(50_000, 99);
        contents.put(store.put(new ByteArrayInputStream(after), Long.MAX_VALUE, null).sha256(), after);

        Rewrapper rewrapper = new Rewrapper(store, root.resolve("data/encryption"), List.of(copies), 2, () -> { });
        Rewrapper.RewrapRun run = rewrapper.run();

        assertThat(run.complete()).isTrue();
        assertThat(run.blobs()).isEqualTo(8); // 7 blobs, then the copy
        assertThat(run.rewrapped()).isEqualTo(6 * 2 + 1);
        assertThat(run.current()).isEqualTo(2); // the blob written after the rotation
        assertThat(run.failed()).isZero();
        assertThat(rewrapper.lastRun().primaryKeyId()).isEqualTo(primary);
        assertThat(rewrapper.interrupted()).isFalse();
        for (String id : contents.keySet()) {
            for (Path node : nodes) {
                if (Files.exists(replicaPath(node, id))) {
                    assertThat(usedSlots(replicaPath(node, id))).isEqualTo(1);
                }
            }
        }

        encryption.retire(old);
        assertThat(encryption.masterKeys()).extracting(BlobEncryption.MasterKey::id).containsExactly(primary);
        store.close();
        // a new start reads the keyset file that holds only the new key: the key checks and every blob open
        BlobStore restarted = store(nodes);
        for (Map.Entry<String, byte[]> blob : contents.entrySet()) {
            assertThat(read(restarted, blob.getKey())).isEqualTo(blob.getValue());
        }
        BlobStore fromBackup = opened(new BlobStore(new BlobStoreSettings(List.of(root.resolve("r1")), 1, 0, false,
                100), BlobEncryption.load(true, null, null, root.resolve("data"))));
        fromBackup.importStored(copy, copied);
        assertThat(read(fromBackup, copied)).isEqualTo(contents.get(copied));
        assertThatThrownBy(() -> restarted.encryption().retire(primary)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRewrapKilledBetweenItsTwoWritesLeavesAReadableReplicaAndResumes() throws Exception {
        List<Path> nodes = nodeDirs(root, 2);
        BlobStore store = store(nodes);
        List<String> ids = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] content = randomBytes(30_000, 10 + i);
            contents.add(content);
            ids.add(store.put(new ByteArrayInputStream(content), Long.MAX_VALUE, null).sha256());
        }
        // a plaintext replica (written before encryption was enabled) and a replica whose header was damaged
        BlobStore plainWriter = opened(new BlobStore(new BlobStoreSettings(nodes, 2, 0, false, 1000),
                BlobEncryption.none()));
        byte[] plain = randomBytes(20_000, 77);
        String plainId = plainWriter.put(new ByteArrayInputStream(plain), Long.MAX_VALUE, null).sha256();
        int old = store.encryption().primaryKeyId();
        store.encryption().rotate();

        // the process dies right after a new slot reached the disk: the third one (the first blob's two replicas are
        // done and saved)
        AtomicInteger written = new AtomicInteger();
        Runnable kill = () -> {
            if (written.incrementAndGet() == 3) {
                throw new IllegalStateException("killed");
            }
        };
        Rewrapper dying = new Rewrapper(store, root.resolve("state"), List.of(), 1, kill);
        assertThatThrownBy(dying::run).hasMessage("killed");
        assertThat(dying.interrupted()).isTrue();
        int twoSlots = 0;
        for (String id : ids) {
            for (Path node : nodes) {
                twoSlots += usedSlots(replicaPath(node, id)) == 2 ? 1 : 0;
            }
        }
        assertThat(twoSlots).isEqualTo(1); // both slots open: the replica reads either way
        for (int i = 0; i < ids.size(); i++) {
            assertThat(read(store, ids.get(i))).isEqualTo(contents.get(i));
        }

        Rewrapper.RewrapRun run = new Rewrapper(store, root.resolve("state"), List.of(), 1, () -> { }).run();
        assertThat(run.complete()).isTrue();
        assertThat(run.plaintext()).isZero(); // the plaintext blob's two replicas were encrypted (by one run or other)
        for (Path node : nodes) {
            assertThat(BlobEncryption.isEncrypted(replicaPath(node, plainId))).isTrue();
        }
        for (String id : ids) {
            for (Path node : nodes) {
                assertThat(usedSlots(replicaPath(node, id))).isEqualTo(1);
            }
        }
        store.encryption().retire(old);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(read(store, ids.get(i))).isEqualTo(contents.get(i));
        }
        assertThat(read(store, plainId)).isEqualTo(plain);
    }

    @Test
    void aHeaderThatOpensWithNoKeyIsCountedAsFailedAndTheRunIsNotComplete() throws Exception {
        List<Path> nodes = nodeDirs(root, 2);
        BlobStore store = store(nodes);
        String id = store.put(new ByteArrayInputStream(randomBytes(10_000, 5)), Long.MAX_VALUE, null).sha256();
        try (RandomAccessFile file = new RandomAccessFile(replicaPath(nodes.get(0), id).toFile(), "rw")) {
            file.seek(BlobEncryption.SLOT_A + 40);
            file.write(file.read() ^ 1);
        }
        store.encryption().rotate();

        Rewrapper.RewrapRun run = new Rewrapper(store, root.resolve("state"), List.of(), 10, () -> { }).run();

        assertThat(run.failed()).isEqualTo(1);
        assertThat(run.failedIds()).containsExactly(id);
        assertThat(run.rewrapped()).isEqualTo(1);
        assertThat(run.complete()).isFalse();
    }

    @Test
    void plaintextReplicasAreEncryptedInPlaceExceptWhileAReadMayBeAboutToOpenThem() throws Exception {
        List<Path> nodes = nodeDirs(root, 2);
        BlobStore plainWriter = opened(new BlobStore(new BlobStoreSettings(nodes, 2, 0, false, 1000),
                BlobEncryption.none()));
        byte[] cold = randomBytes(200_000, 41);
        byte[] hot = randomBytes(150_000, 42);
        String coldId = plainWriter.put(new ByteArrayInputStream(cold), Long.MAX_VALUE, null).sha256();
        String hotId = plainWriter.put(new ByteArrayInputStream(hot), Long.MAX_VALUE, null).sha256();
        plainWriter.close();
        byte[] marker = Arrays.copyOfRange(cold, 1000, 1064);

        // encryption is enabled on the existing store; a download has just resolved the hot blob's plaintext file
        BlobStore store = store(nodes);
        ReadableBlob reading = store.open(hotId);
        assertThat(reading.path()).isNotNull();

        Rewrapper.RewrapRun run = new Rewrapper(store, root.resolve("state"), List.of(), 10, () -> { }).run();

        assertThat(run.encrypted()).isEqualTo(2);
        assertThat(run.plaintext()).isEqualTo(2); // the hot blob's, left for a later run
        for (Path node : nodes) {
            assertThat(BlobEncryption.isEncrypted(replicaPath(node, coldId))).isTrue();
            assertThat(EncryptionTest.contains(Files.readAllBytes(replicaPath(node, coldId)), marker)).isFalse();
            assertThat(BlobEncryption.isEncrypted(replicaPath(node, hotId))).isFalse();
        }
        // the reader that resolved the plaintext file still gets the plaintext from it
        try (InputStream in = Files.newInputStream(reading.path())) {
            assertThat(in.readAllBytes()).isEqualTo(hot);
        }
        assertThat(read(store, coldId)).isEqualTo(cold);
        assertThat(read(store, hotId)).isEqualTo(hot);
    }
}
