package io.filestore.blob;

import static io.filestore.blob.TestData.holders;
import static io.filestore.blob.TestData.nodeDirs;
import static io.filestore.blob.TestData.randomBytes;
import static io.filestore.blob.TestData.replicaPath;
import static io.filestore.blob.TestData.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.filestore.blob.BlobStore.ReadCheck;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Envelope encryption at rest: nothing plaintext on the nodes, every range, tampering, the master key. */
class EncryptionTest {

    private static final int MIB = 1024 * 1024;
    private static final byte[] MARKER = "PLAINTEXT-MARKER-7f3a9c".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path root;

    BlobEncryption encryption(boolean enabled) {
        return BlobEncryption.load(enabled, null, null, root.resolve("data"));
    }

    BlobStore store(List<Path> nodes, int replicationFactor, BlobEncryption encryption) {
        // verified max age zero: a read BEFORE_READ always decrypts and hashes
        return new BlobStore(new BlobStoreSettings(nodes, replicationFactor, 0, false, 1000, Duration.ZERO, 10),
                encryption);
    }

    static byte[] withMarkers(int size, long seed) {
        byte[] content = randomBytes(size, seed);
        for (int at = 0; at + MARKER.length <= size; at += 4096) {
            System.arraycopy(MARKER, 0, content, at, MARKER.length);
        }
        return content;
    }

    static String put(BlobStore store, byte[] content) {
        return store.put(new ByteArrayInputStream(content), Long.MAX_VALUE, null).sha256();
    }

    static byte[] read(ReadableBlob blob, long offset, long length) throws IOException {
        try (InputStream in = blob.openStream(offset, length)) {
            return in.readAllBytes();
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    static List<Path> filesContaining(Path dir, byte[] needle) throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path file : TestData.filesUnder(dir)) {
            if (contains(Files.readAllBytes(file), needle)) {
                found.add(file);
            }
        }
        return found;
    }

    /** Flips one byte in place and puts the modification time back. */
    static void flipByte(Path file, long at) throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x01);
        }
        Files.setLastModifiedTime(file, modified);
    }

    @Test
    void plaintextNeverReachesANodeDirectoryAndNamesStayTheContentHash() throws Exception {
        List<Path> nodes = nodeDirs(root.resolve("nodes"), 3);
        try (BlobStore store = store(nodes, 2, encryption(true))) {
            for (int size : new int[] {MARKER.length, 5000, MIB + 17, 3 * MIB}) {
                byte[] content = withMarkers(size, size);
                String id = put(store, content);
                assertThat(id).isEqualTo(sha256(content));
                assertThat(holders(nodes, id)).hasSize(2);
                ReadableBlob blob = store.open(id);
                assertThat(blob.path()).isNull(); // no sendfile of ciphertext
                assertThat(blob.size()).isEqualTo(size);
                assertThat(read(blob, 0, size)).isEqualTo(content);
            }
            assertThat(filesContaining(root, MARKER)).isEmpty();
        }
    }

    @Test
    void identicalContentIsStoredOnceAndStreamedReadsDecrypt() throws Exception {
        List<Path> nodes = nodeDirs(root.resolve("nodes"), 2);
        byte[] content = withMarkers(2 * MIB + 5, 3);
        try (BlobStore store = store(nodes, 2, encryption(true))) {
            PutResult first = store.put(new ByteArrayInputStream(content), Long.MAX_VALUE, null);
            PutResult second = store.put(new ByteArrayInputStream(content), Long.MAX_VALUE, null);
            assertThat(first.deduplicated()).isFalse();
            assertThat(second.deduplicated()).isTrue();
            assertThat(second.size()).isEqualTo(content.length);
            ReadableBlob streamed = store.open(first.sha256(), ReadCheck.WHILE_STREAMING);
            try (InputStream in = streamed.openStream()) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
            assertThat(TestData.filesUnder(root.resolve("nodes")))
                    .filteredOn(p -> p.toString().contains("/blobs/")).hasSize(2);
        }
    }

    @Test
    void everyRangeOfAnEncryptedBlobDecryptsToTheSameBytes() throws Exception {
        List<Path> nodes = nodeDirs(root.resolve("nodes"), 1);
        int size = 3 * MIB + 12_345;
        byte[] content = randomBytes(size, 4);
        try (BlobStore store = store(nodes, 1, encryption(true))) {
            ReadableBlob blob = store.open(put(store, content), ReadCheck.WHILE_STREAMING);
            List<long[]> ranges = new ArrayList<>();
            ranges.add(new long[] {0, 1}); // first byte
            ranges.add(new long[] {size - 1, 1}); // last byte
            ranges.add(new long[] {size - 500, 500}); // suffix
            ranges.add(new long[] {0, size}); // whole
            ranges.add(new long[] {1, size - 1});
            for (long boundary = MIB - 64; boundary < size; boundary += MIB) {
                // around every segment boundary (Tink's first segment is shorter by its header and a tag)
                for (long delta = -200; delta <= 200; delta += 40) {
                    long start = Math.max(0, boundary + delta);
                    ranges.add(new long[] {start, Math.min(300, size - start)});
                }
                ranges.add(new long[] {boundary - 10, Math.min(MIB + 20, size - boundary + 10)});
            }
            Random random = new Random(5);
            for (int i = 0; i < 40; i++) {
                long start = random.nextInt(size);
                ranges.add(new long[] {start, 1 + random.nextInt((int) (size - start))});
            }
            for (long[] range : ranges) {
                byte[] expected = Arrays.copyOfRange(content, (int) range[0], (int) (range[0] + range[1]));
                assertThat(read(blob, range[0], range[1])).as("range %d+%d", range[0], range[1])
                        .isEqualTo(expected);
            }
            // several ranges of one request: each an independent stream over the same replica
            try (InputStream a = blob.openStream(10, 100); InputStream b = blob.openStream(2 * MIB, 100)) {
                assertThat(b.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 2 * MIB, 2 * MIB + 100));
                assertThat(a.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 10, 110));
            }
            assertThat(read(blob, 0, 0)).isEmpty();
        }
    }

    @Test
    void aTamperedCiphertextIsNeverServedAndIsHealedFromTheOtherReplica() throws Exception {
        List<Path> nodes = nodeDirs(root.resolve("nodes"), 2);
        byte[] content = randomBytes(2 * MIB + 99, 6);
        try (BlobStore store = store(nodes, 2, encryption(true))) {
            String id = put(store, content);
            // the replica a streaming read gets first: the first node of the blob's rendezvous order
            Node first = Node.rendezvousOrder(List.of(new DirectoryNode(nodes.get(0)), new DirectoryNode(nodes.get(1))),
                    id).get(0);
            Path tamperedNode = ((DirectoryNode) first).root;
            Path tampered = replicaPath(tamperedNode, id);
            flipByte(tampered, BlobEncryption.HEADER_SIZE + MIB + 1000); // in the second segment

            // the first streamed read gets the tampered replica: it ends with an error after authentic bytes only
            ReadableBlob blob = store.open(id, ReadCheck.WHILE_STREAMING);
            java.io.ByteArrayOutputStream served = new java.io.ByteArrayOutputStream();
            try (InputStream in = blob.openStream()) {
                assertThatThrownBy(() -> in.transferTo(served)).isInstanceOf(BlobEncryption.TamperedException.class);
            }
            assertThat(served.size()).isLessThan(content.length);
            assertThat(served.toByteArray()).isEqualTo(Arrays.copyOf(content, served.size()));

            // later reads while the heal runs: the right bytes, or an error before a wrong one
            for (int i = 0; i < 4; i++) {
                ReadableBlob again = store.open(id, ReadCheck.WHILE_STREAMING);
                try (InputStream in = again.openStream()) {
                    assertThat(in.readAllBytes()).isEqualTo(content);
                } catch (BlobEncryption.TamperedException | java.nio.file.NoSuchFileException e) {
                    // the tampered replica between the heal's first look and its quarantine
                }
            }
            assertThat(store.awaitHealed(Duration.ofSeconds(20))).isTrue();
            assertThat(read(store.open(id), 0, content.length)).isEqualTo(content);
            RepairResult repair = store.repair(id);
            assertThat(repair.quarantinedReplicas()).isZero();
            assertThat(repair.replicas()).isEqualTo(2);
            assertThat(TestData.filesUnder(tamperedNode.resolve("quarantine"))).hasSize(1);
            for (Path node : nodes) {
                assertThat(Files.readAllBytes(replicaPath(node, id))).isNotEqualTo(content);
            }
            for (int i = 0; i < 3; i++) {
                assertThat(read(store.open(id, ReadCheck.WHILE_STREAMING), 0, content.length)).isEqualTo(content);
            }
        }
    }

    @Test
    void aRangeOverATamperedSegmentFailsAndTheOnlyReplicaIsNeverServedWrong() throws Exception {
        List<Path> nodes = nodeDirs(root.resolve("nodes"), 1);
        byte[] content = randomBytes(3 * MIB, 14);
        try (BlobStore store = store(nodes, 1, encryption(true))) {
            String id = put(store, content);
            ReadableBlob blob = store.open(id, ReadCheck.WHILE_STREAMING);
            flipByte(replicaPath(nodes.get(0), id), BlobEncryption.HEADER_SIZE + MIB + 1000); // second segment

            // ranges in intact segments are served (before the failure below makes the heal quarantine the replica)
            assertThat(read(blob, 0, 1000)).isEqualTo(Arrays.copyOf(content, 1000));
            assertThat(read(blob, 2 * MIB + 5, 1000)).isEqualTo(Arrays.copyOfRange(content, 2 * MIB + 5,
                    2 * MIB + 1005));
            assertThatThrownBy(() -> read(blob, MIB, 1000)).isInstanceOf(BlobEncryption.TamperedException.class);
            // the same segment again: failed authentication, or the replica already quarantined
            assertThatThrownBy(() -> read(blob, MIB - 100, 200)).isInstanceOf(IOException.class);
            assertThat(store.awaitHealed(Duration.ofSeconds(20))).isTrue();
            // the only replica was quarantined (by the heal, or by this read): nothing is served
            assertThatThrownBy(() -> store.open(id)).isInstanceOfSatisfying(BlobStoreException.class,
                    e -> assertThat(e.reason()).isIn(BlobStoreException.Reason.CORRUPT,
                            BlobStoreException.Reason.NOT_FOUND));
            assertThat(TestData.filesUnder(nodes.get(0).resolve("quarantine"))).hasSize(1);
        }
    }

    @Test
    void aScrubFindsATamperedHeaderAndAHeaderMovedToAnotherBlob() throws Exception {
        List<Path> nodes = nodeDirs(root.resolve("nodes"), 2);
        byte[] a = randomBytes(10_000, 7);
        byte[] b = randomBytes(10_000, 8);
        try (BlobStore store = store(nodes, 2, encryption(true))) {
            String idA = put(store, a);
            String idB = put(store, b);
            flipByte(replicaPath(nodes.get(0), idA), 30); // inside the wrapped data key
            Files.copy(replicaPath(nodes.get(1), idA), replicaPath(nodes.get(1), idB),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING); // A's bytes under B's name

            assertThat(store.repair(idA).quarantinedReplicas()).isEqualTo(1);
            assertThat(store.repair(idB).quarantinedReplicas()).isEqualTo(1);
            assertThat(read(store.open(idA), 0, a.length)).isEqualTo(a);
            assertThat(read(store.open(idB), 0, b.length)).isEqualTo(b);
            assertThat(store.repair(idA).replicas()).isEqualTo(2);
            assertThat(store.repair(idB).replicas()).isEqualTo(2);
        }
    }

    @Test
    void aGeneratedMasterKeyIsOwnerOnlyAndUsedAgainOnTheNextStart() throws Exception {
        Path data = root.resolve("data");
        List<Path> nodes = nodeDirs(root.resolve("nodes"), 1);
        byte[] content = randomBytes(1000, 9);
        String id;
        try (BlobStore store = store(nodes, 1, BlobEncryption.load(true, null, null, data))) {
            id = put(store, content);
        }
        Path keyset = data.resolve(BlobEncryption.GENERATED_KEYSET);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyset))).isEqualTo("rw-------");
        try (BlobStore store = store(nodes, 1, BlobEncryption.load(true, null, null, data))) {
            assertThat(read(store.open(id), 0, content.length)).isEqualTo(content);
        }
        // the same key given through a file or the environment variable works too
        String json = Files.readString(keyset);
        Path moved = root.resolve("elsewhere.json");
        Files.move(keyset, moved);
        try (BlobStore store = store(nodes, 1, BlobEncryption.load(true, moved, null, data))) {
            assertThat(read(store.open(id), 0, content.length)).isEqualTo(content);
        }
        try (BlobStore store = store(nodes, 1, BlobEncryption.load(true, null, json, data))) {
            assertThat(read(store.open(id), 0, content.length)).isEqualTo(content);
        }
    }

    @Test
    void aWrongOrMissingMasterKeyStopsTheStartWithAClearError() throws Exception {
        Path data = root.resolve("data");
        BlobEncryption.load(true, null, null, data);
        Path keyset = data.resolve(BlobEncryption.GENERATED_KEYSET);
        String other = TinkJsonProtoKeysetFormat.serializeKeyset(
                KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), InsecureSecretKeyAccess.get());

        assertThatThrownBy(() -> BlobEncryption.load(true, null, other, data))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not the key this store's blobs were encrypted with");
        assertThatThrownBy(() -> BlobEncryption.load(true, root.resolve("missing.json"), null, data))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> BlobEncryption.load(true, null, "{not json", data))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is not a Tink JSON keyset");

        Files.delete(keyset);
        for (boolean enabled : new boolean[] {true, false}) {
            assertThatThrownBy(() -> BlobEncryption.load(enabled, null, null, data))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has encrypted blobs")
                    .hasMessageContaining("no master key is configured");
        }
        assertThat(Files.exists(keyset)).isFalse(); // no new key was generated over the old one
    }

    @Test
    void aKeyGeneratedAfterTheDataDirectoryLostItsCheckValueIsRefusedByTheNodes() throws Exception {
        List<Path> nodes = nodeDirs(root.resolve("nodes"), 2);
        byte[] content = randomBytes(4000, 16);
        String id;
        try (BlobStore store = store(nodes, 2, encryption(true))) {
            id = put(store, content);
        }
        TestData.deleteRecursively(root.resolve("data")); // the master key and its check value are gone
        BlobEncryption fresh = encryption(true); // generates a new key

        assertThatThrownBy(() -> store(nodes, 2, fresh)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not the key this store's blobs were encrypted with")
                .hasMessageContaining(BlobEncryption.NODE_KEY_CHECK);
        assertThat(holders(nodes, id)).hasSize(2); // nothing was quarantined
    }

    @Test
    void turningEncryptionOffAndOnKeepsReadingEveryBlob() throws Exception {
        List<Path> nodes = nodeDirs(root.resolve("nodes"), 2);
        byte[] plain = withMarkers(5000, 10);
        byte[] encrypted = withMarkers(6000, 11);
        byte[] laterPlain = withMarkers(7000, 12);
        String plainId;
        try (BlobStore store = store(nodes, 2, encryption(false))) { // off from the start: no key is generated
            plainId = put(store, plain);
            assertThat(store.open(plainId).path()).isNotNull(); // plaintext path with sendfile
        }
        assertThat(Files.exists(root.resolve("data").resolve(BlobEncryption.GENERATED_KEYSET))).isFalse();
        String encryptedId;
        try (BlobStore store = store(nodes, 2, encryption(true))) {
            assertThat(Files.readAllBytes(store.open(plainId).path())).isEqualTo(plain);
            encryptedId = put(store, encrypted);
            assertThat(store.open(encryptedId).path()).isNull();
            assertThat(store.put(new ByteArrayInputStream(plain), Long.MAX_VALUE, null).deduplicated()).isTrue();
        }
        try (BlobStore store = store(nodes, 2, encryption(false))) { // off again: the key still reads old blobs
            assertThat(read(store.open(encryptedId), 0, encrypted.length)).isEqualTo(encrypted);
            assertThat(read(store.open(plainId), 0, plain.length)).isEqualTo(plain);
            // deduplication against an encrypted replica keeps it (no quarantine for its larger size)
            assertThat(store.put(new ByteArrayInputStream(encrypted), Long.MAX_VALUE, null).deduplicated()).isTrue();
            String laterId = put(store, laterPlain);
            assertThat(store.open(laterId).path()).isNotNull();
            assertThat(store.scrub().replicasQuarantined()).isZero();
        }
        List<Path> plaintextFiles = filesContaining(root.resolve("nodes"), MARKER);
        assertThat(plaintextFiles).allMatch(p -> p.endsWith(plainId) || p.getFileName().toString().equals(
                sha256(laterPlain)));
        assertThat(plaintextFiles).noneMatch(p -> p.getFileName().toString().equals(encryptedId));
    }

    @Test
    void plaintextContentThatStartsWithTheMagicIsStillPlaintext() throws Exception {
        List<Path> nodes = nodeDirs(root.resolve("nodes"), 2);
        byte[] content = randomBytes(20_000, 15);
        System.arraycopy(BlobEncryption.MAGIC, 0, content, 0, BlobEncryption.MAGIC.length);
        String id;
        try (BlobStore store = store(nodes, 2, encryption(false))) {
            id = put(store, content);
            assertThat(Files.readAllBytes(store.open(id).path())).isEqualTo(content);
        }
        try (BlobStore store = store(nodes, 2, encryption(true))) {
            assertThat(read(store.open(id), 0, content.length)).isEqualTo(content);
            assertThat(read(store.open(id, ReadCheck.WHILE_STREAMING), 100, 50))
                    .isEqualTo(Arrays.copyOfRange(content, 100, 150));
            assertThat(store.repair(id).quarantinedReplicas()).isZero();
            assertThat(store.put(new ByteArrayInputStream(content), Long.MAX_VALUE, null).deduplicated()).isTrue();
        }
        assertThat(holders(nodes, id)).hasSize(2);
    }

    @Test
    void withoutAMasterKeyAnEncryptedReplicaIsAReadErrorNotCorruption() throws Exception {
        List<Path> nodes = nodeDirs(root.resolve("nodes"), 1);
        byte[] content = randomBytes(3000, 13);
        String id;
        try (BlobStore store = store(nodes, 1, encryption(true))) {
            id = put(store, content);
        }
        try (BlobStore store = store(nodes, 1, BlobEncryption.none())) {
            assertThatThrownBy(() -> store.open(id)).isInstanceOf(BlobStoreException.class)
                    .extracting(e -> ((BlobStoreException) e).reason()).isEqualTo(BlobStoreException.Reason.IO);
        }
        assertThat(holders(nodes, id)).hasSize(1); // not quarantined
    }

    @Test
    void instancesSharingTheDataDirectoryFollowEachOthersKeyRotation() throws Exception {
        List<Path> nodes = nodeDirs(root.resolve("nodes"), 1);
        BlobEncryption first = encryption(true);
        BlobEncryption second = encryption(true); // another instance: the same keyset file, read on its own
        try (BlobStore a = store(nodes, 1, first); BlobStore b = store(nodes, 1, second)) {
            byte[] before = withMarkers(70_000, 11);
            String old = put(a, before);
            int oldKey = first.primaryKeyId();
            int newKey = first.rotate();

            // a blob wrapped under the new key opens on the other instance at once (it reads the keyset again)
            byte[] after = withMarkers(70_000, 12);
            String rotated = put(a, after);
            assertThat(read(b.open(rotated, ReadCheck.BEFORE_READ), 0, after.length)).isEqualTo(after);
            assertThat(second.primaryKeyId()).isEqualTo(newKey);

            // the other instance's new blobs are wrapped under the new key: they open once the old key is retired
            Thread.sleep(1100);
            byte[] fromSecond = withMarkers(70_000, 13);
            String written = put(b, fromSecond);
            a.open(old, ReadCheck.BEFORE_READ); // still readable under the old key
            first.retire(oldKey);
            assertThat(read(a.open(written, ReadCheck.BEFORE_READ), 0, fromSecond.length)).isEqualTo(fromSecond);
            Thread.sleep(1100);
            assertThat(second.reloadIfChanged() || second.masterKeys().size() == 1).isTrue();
            assertThat(second.masterKeys()).extracting(BlobEncryption.MasterKey::id).containsExactly(newKey);
        }
    }
}
