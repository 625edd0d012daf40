package io.filestore.blob;

import static io.filestore.blob.TestData.filesUnder;
import static io.filestore.blob.TestData.holders;
import static io.filestore.blob.TestData.nodeDirs;
import static io.filestore.blob.TestData.randomBytes;
import static io.filestore.blob.TestData.replicaPath;
import static io.filestore.blob.TestData.settings;
import static io.filestore.blob.TestData.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.blob.BlobStoreException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class BlobStoreTest {

    private static final long MAX = Long.MAX_VALUE;

    @TempDir
    Path root;

    List<Path> nodes;
    BlobStore store;

    @BeforeEach
    void threeNodesTwoReplicas() {
        nodes = nodeDirs(root, 3);
        store = new BlobStore(settings(nodes, 2));
    }

    PutResult put(byte[] content) {
        return store.put(new ByteArrayInputStream(content), MAX, null);
    }

    @org.junit.jupiter.api.AfterEach
    void stopHealing() {
        store.close(); // waits for a heal in progress, so the temp directory can be deleted
    }

    byte[] read(ReadableBlob blob) throws IOException {
        return Files.readAllBytes(blob.path());
    }

    void assertNothingStored() {
        for (Path node : nodes) {
            assertThat(filesUnder(node.resolve("tmp"))).as("temp files of %s", node).isEmpty();
            assertThat(filesUnder(node.resolve("blobs"))).as("blobs of %s", node).isEmpty();
        }
    }

    @Nested
    class Put {

        @Test
        void storesContentUnderItsSha256AndReadsItBack() throws IOException {
            byte[] content = randomBytes(700_000, 1); // spans several 256 KiB buffers

            PutResult result = put(content);

            assertThat(result.sha256()).isEqualTo(sha256(content));
            assertThat(result.size()).isEqualTo(content.length);
            assertThat(result.replicas()).isEqualTo(2);
            assertThat(result.deduplicated()).isFalse();
            ReadableBlob blob = store.open(result.sha256());
            assertThat(blob.sha256()).isEqualTo(result.sha256());
            assertThat(blob.size()).isEqualTo(content.length);
            assertThat(read(blob)).isEqualTo(content);
        }

        @Test
        void storesEmptyContent() throws IOException {
            PutResult result = put(new byte[0]);

            assertThat(result.sha256())
                    .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
            assertThat(read(store.open(result.sha256()))).isEmpty();
        }

        @Test
        void storesIdenticalContentOnce() {
            byte[] content = randomBytes(10_000, 2);

            PutResult first = put(content);
            PutResult second = put(content);

            assertThat(second.sha256()).isEqualTo(first.sha256());
            assertThat(second.deduplicated()).isTrue();
            assertThat(second.replicas()).isEqualTo(2);
            List<Path> allFiles = nodes.stream().flatMap(node -> filesUnder(node).stream()).toList();
            assertThat(allFiles).hasSize(2).allSatisfy(file -> assertThat(sha256(file)).isEqualTo(first.sha256()));
        }

        @Test
        void addsMissingReplicasWhenTheSameContentArrivesAgain() throws IOException {
            byte[] content = randomBytes(10_000, 3);
            String id = put(content).sha256();
            int lostHolder = holders(nodes, id).get(0);
            Files.delete(replicaPath(nodes.get(lostHolder), id));

            PutResult again = put(content);

            assertThat(again.deduplicated()).isTrue();
            assertThat(again.replicas()).isEqualTo(2);
            assertThat(holders(nodes, id)).hasSize(2).contains(lostHolder);
        }

        @Test
        void rejectsContentLargerThanTheLimitWithoutReadingOnAndKeepsNothing() {
            TestData.EndlessStream endless = new TestData.EndlessStream();

            assertThatThrownBy(() -> store.put(endless, 1_000_000, null))
                    .isInstanceOfSatisfying(BlobStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
            assertThat(endless.bytesRead).isEqualTo(1_000_001);
            assertNothingStored();
        }

        @Test
        void acceptsContentOfExactlyTheLimit() {
            byte[] content = randomBytes(1000, 4);

            assertThat(store.put(new ByteArrayInputStream(content), 1000, null).size()).isEqualTo(1000);
            assertThatThrownBy(() -> store.put(new ByteArrayInputStream(randomBytes(1001, 4)), 1000, null))
                    .isInstanceOfSatisfying(BlobStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
        }

        @Test
        void acceptsTheExpectedDigest() {
            byte[] content = randomBytes(5000, 5);

            PutResult result = store.put(new ByteArrayInputStream(content), MAX, sha256(content));

            assertThat(result.sha256()).isEqualTo(sha256(content));
        }

        @Test
        void rejectsContentThatDoesNotMatchTheExpectedDigestAndKeepsNothing() {
            byte[] content = randomBytes(5000, 6);
            String otherDigest = sha256(randomBytes(5000, 7));

            assertThatThrownBy(() -> store.put(new ByteArrayInputStream(content), MAX, otherDigest))
                    .isInstanceOfSatisfying(BlobStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH));
            assertNothingStored();
            assertThat(store.contains(sha256(content))).isFalse();
        }

        @Test
        void rejectsAMalformedExpectedDigestBeforeReading() {
            TestData.EndlessStream endless = new TestData.EndlessStream();

            assertThatThrownBy(() -> store.put(endless, MAX, "ABC"))
                    .isInstanceOfSatisfying(BlobStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_ID));
            assertThat(endless.bytesRead).isZero();
        }

        @Test
        void keepsNothingWhenTheInputFails() {
            InputStream failing = new InputStream() {
                int served;

                @Override
                public int read() throws IOException {
                    if (served++ < 100_000) {
                        return 7;
                    }
                    throw new IOException("client went away");
                }
            };

            assertThatThrownBy(() -> store.put(failing, MAX, null))
                    .isInstanceOfSatisfying(BlobStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.IO));
            assertNothingStored();
        }

        @Test
        void isInsufficientStorageWhenEveryNodeIsFull() {
            BlobStore full = new BlobStore(new BlobStoreSettings(nodes, 2, Long.MAX_VALUE, false, 10));
            TestData.EndlessStream endless = new TestData.EndlessStream();

            assertThatThrownBy(() -> full.put(endless, MAX, null))
                    .isInstanceOfSatisfying(BlobStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.INSUFFICIENT_STORAGE));
            assertThat(endless.bytesRead).isZero();
            assertNothingStored();
        }

        @Test
        void worksWithFsync() throws IOException {
            BlobStore durable = new BlobStore(new BlobStoreSettings(nodes, 3, 0, true, 10));
            byte[] content = randomBytes(300_000, 8);

            PutResult result = durable.put(new ByteArrayInputStream(content), MAX, null);

            assertThat(result.replicas()).isEqualTo(3);
            assertThat(read(durable.open(result.sha256()))).isEqualTo(content);
        }
    }

    @Nested
    class Placement {

        @ParameterizedTest
        @ValueSource(ints = {1, 2, 3, 4})
        void placesEachBlobOnExactlyRNodes(int replicationFactor) {
            List<Path> four = nodeDirs(root.resolve("four"), 4);
            BlobStore r = new BlobStore(settings(four, replicationFactor));

            for (int i = 0; i < 20; i++) {
                byte[] content = randomBytes(100, 100 + i);
                PutResult result = r.put(new ByteArrayInputStream(content), MAX, null);

                assertThat(result.replicas()).isEqualTo(replicationFactor);
                assertThat(holders(four, result.sha256())).hasSize(replicationFactor);
                for (int holder : holders(four, result.sha256())) {
                    assertThat(sha256(replicaPath(four.get(holder), result.sha256()))).isEqualTo(result.sha256());
                }
            }
        }

        @Test
        void placesByContentNotByConfigurationOrderOrHistory() {
            Map<String, List<Integer>> placement = new HashMap<>();
            List<byte[]> contents = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                contents.add(randomBytes(50, 200 + i));
                String id = put(contents.get(i)).sha256();
                placement.put(id, holders(nodes, id));
                store.delete(id);
            }
            BlobStore reordered = new BlobStore(settings(List.of(nodes.get(2), nodes.get(0), nodes.get(1)), 2));

            for (byte[] content : contents) {
                String id = reordered.put(new ByteArrayInputStream(content), MAX, null).sha256();
                assertThat(holders(nodes, id)).as("holders of %s", id).isEqualTo(placement.get(id));
            }
        }

        @Test
        void spreadsBlobsOverAllNodes() {
            int[] perNode = new int[nodes.size()];
            for (int i = 0; i < 60; i++) {
                for (int holder : holders(nodes, put(randomBytes(20, 300 + i)).sha256())) {
                    perNode[holder]++;
                }
            }

            assertThat(java.util.Arrays.stream(perNode).boxed().toList()).allSatisfy(count -> assertThat(count).isBetween(25, 55));
        }

        @Test
        void writesToTheRemainingNodesWhenANodeIsMissing() throws IOException {
            Files.move(nodes.get(1), root.resolve("node-1-unmounted"));

            for (int i = 0; i < 20; i++) {
                PutResult result = put(randomBytes(100, 400 + i));

                assertThat(result.replicas()).isEqualTo(2);
                assertThat(holders(nodes, result.sha256())).containsExactly(0, 2);
            }
            assertThat(nodes.get(1)).doesNotExist();
        }

        @Test
        void treatsANodeWithoutItsBlobsDirectoryAsDown() throws IOException {
            Files.delete(nodes.get(0).resolve("blobs")); // an unmounted mount point looks like this

            PutResult result = put(randomBytes(100, 9));

            assertThat(holders(nodes, result.sha256())).containsExactly(1, 2);
            assertThat(nodes.get(0).resolve("blobs")).doesNotExist();
        }

        @Test
        void storesFewerReplicasWhenTooFewNodesAreUp() throws IOException {
            Files.move(nodes.get(0), root.resolve("away-0"));
            Files.move(nodes.get(1), root.resolve("away-1"));

            PutResult result = put(randomBytes(100, 10));

            assertThat(result.replicas()).isEqualTo(1);
            assertThat(holders(nodes, result.sha256())).containsExactly(2);
        }

        @Test
        void isUnavailableWhenNoNodeIsUp() throws IOException {
            for (Path node : nodes) {
                TestData.deleteRecursively(node);
            }

            assertThatThrownBy(() -> put(randomBytes(100, 11)))
                    .isInstanceOfSatisfying(BlobStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE));
            assertThat(nodes).allSatisfy(node -> assertThat(node).doesNotExist());
        }

        @Test
        void replicatesToEveryNodeWhenRIsN() {
            BlobStore everywhere = new BlobStore(settings(nodes, 3));

            PutResult result = everywhere.put(new ByteArrayInputStream(randomBytes(100, 12)), MAX, null);

            assertThat(result.replicas()).isEqualTo(3);
            assertThat(holders(nodes, result.sha256())).containsExactly(0, 1, 2);
        }
    }

    @Nested
    class Open {

        @Test
        void failsWithNotFoundForAnUnknownBlob() {
            assertThatThrownBy(() -> store.open(sha256(new byte[] {1})))
                    .isInstanceOfSatisfying(BlobStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        }

        @Test
        void quarantinesACorruptReplicaAndServesAnotherOne() throws IOException {
            byte[] content = randomBytes(50_000, 20);
            String id = put(content).sha256();
            ReadableBlob first = store.open(id);
            corrupt(first.path());

            ReadableBlob served = store.open(id);

            assertThat(served.path()).isNotEqualTo(first.path());
            assertThat(read(served)).isEqualTo(content);
            // the corrupt bytes are gone from their place; the background heal may already have put an intact
            // copy back there
            if (Files.exists(first.path())) {
                assertThat(Files.readAllBytes(first.path())).isEqualTo(content);
            }
            Path corruptNode = first.path().getParent().getParent().getParent().getParent();
            assertThat(filesUnder(corruptNode.resolve("quarantine"))).hasSize(1)
                    .allSatisfy(file -> assertThat(file.getFileName().toString()).startsWith(id));
        }

        @Test
        void detectsATruncatedReplica() throws Exception {
            byte[] content = randomBytes(50_000, 21);
            String id = put(content).sha256();
            Path first = store.open(id).path();
            Files.write(first, java.util.Arrays.copyOf(content, 49_999));

            assertThat(read(store.open(id))).isEqualTo(content);
            // quarantined (the background heal may already have put an intact copy back in its place)
            assertThat(filesUnder(first.getParent().getParent().getParent().getParent().resolve("quarantine")))
                    .hasSize(1);
            assertThat(store.awaitHealed(java.time.Duration.ofSeconds(10))).isTrue();
            assertThat(first).hasBinaryContent(content);
        }

        @Test
        void failsWithCorruptWhenEveryReplicaIsCorrupt() throws IOException {
            String id = put(randomBytes(50_000, 22)).sha256();
            for (int holder : holders(nodes, id)) {
                corrupt(replicaPath(nodes.get(holder), id));
            }

            assertThatThrownBy(() -> store.open(id))
                    .isInstanceOfSatisfying(BlobStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT));
            assertThat(holders(nodes, id)).isEmpty();
            assertThat(nodes.stream().mapToInt(node -> filesUnder(node.resolve("quarantine")).size()).sum())
                    .isEqualTo(2);
        }

        @Test
        void remembersOnlyALimitedNumberOfVerifiedReplicas() throws Exception {
            BlobStore smallCache = new BlobStore(new BlobStoreSettings(nodes, 2, 0, false, 1));
            byte[] content = randomBytes(20_000, 26);
            String id = smallCache.put(new ByteArrayInputStream(content), MAX, null).sha256();
            String other = smallCache.put(new ByteArrayInputStream(randomBytes(20_000, 27)), MAX, null).sha256();
            Path first = smallCache.open(id).path();
            smallCache.open(other); // pushes the first replica out of the cache
            FileTime modified = Files.getLastModifiedTime(first);
            corrupt(first);
            Files.setLastModifiedTime(first, modified); // invisible to a cache that still held it

            ReadableBlob served = smallCache.open(id);

            assertThat(served.path()).isNotEqualTo(first);
            assertThat(read(served)).isEqualTo(content);
            assertThat(nodes.stream().mapToInt(node -> filesUnder(node.resolve("quarantine")).size()).sum())
                    .isEqualTo(1);
            assertThat(smallCache.awaitHealed(Duration.ofSeconds(10))).isTrue(); // the heal on read re-created it
            assertThat(Files.readAllBytes(first)).isEqualTo(content);
        }

        @Test
        void fallsBackToAnotherReplicaWhenANodeIsMissing() throws IOException {
            byte[] content = randomBytes(10_000, 23);
            String id = put(content).sha256();
            List<Integer> holders = holders(nodes, id);
            Files.move(nodes.get(holders.get(0)), root.resolve("gone"));

            ReadableBlob blob = store.open(id);

            assertThat(blob.path()).startsWith(nodes.get(holders.get(1)));
            assertThat(read(blob)).isEqualTo(content);
        }

        @Test
        void isUnavailableWhenEveryNodeHoldingTheBlobIsMissing() throws IOException {
            String id = put(randomBytes(10_000, 24)).sha256();
            for (int holder : holders(nodes, id)) {
                Files.move(nodes.get(holder), root.resolve("gone-" + holder));
            }

            assertThatThrownBy(() -> store.open(id))
                    .isInstanceOfSatisfying(BlobStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.OFFLINE));
        }

        @Test
        void findsAReplicaOutsideTheBlobsHomeNodes() throws IOException {
            byte[] content = randomBytes(10_000, 25);
            String id = put(content).sha256();
            List<Integer> home = holders(nodes, id);
            int stranger = Stream.of(0, 1, 2).filter(i -> !home.contains(i)).findFirst().orElseThrow();
            Path strangerReplica = replicaPath(nodes.get(stranger), id);
            Files.createDirectories(strangerReplica.getParent());
            Files.move(replicaPath(nodes.get(home.get(0)), id), strangerReplica);
            Files.delete(replicaPath(nodes.get(home.get(1)), id));

            ReadableBlob blob = store.open(id);

            assertThat(blob.path()).isEqualTo(strangerReplica);
            assertThat(read(blob)).isEqualTo(content);
        }
    }

    @Nested
    class ScrubAndRepair {

        @Test
        void restoresReplicationAfterANodeIsLostAndAgainWhenItComesBackEmpty() throws IOException {
            Map<String, List<Integer>> home = new HashMap<>();
            for (int i = 0; i < 30; i++) {
                String id = put(randomBytes(1000, 500 + i)).sha256();
                home.put(id, holders(nodes, id));
            }
            TestData.deleteRecursively(nodes.get(0));

            ScrubReport whileDown = store.scrub();

            assertThat(whileDown.blobsChecked()).isEqualTo(30);
            assertThat(whileDown.replicasAdded()).isEqualTo(home.values().stream().filter(h -> h.contains(0)).count());
            assertThat(whileDown.healthy()).isTrue();
            home.keySet().forEach(id -> assertThat(holders(nodes, id)).containsExactly(1, 2));

            BlobStore restarted = new BlobStore(settings(nodes, 2)); // recreates the empty node
            ScrubReport afterReturn = restarted.scrub();

            assertThat(afterReturn.replicasAdded()).isEqualTo(whileDown.replicasAdded());
            assertThat(afterReturn.underReplicated()).isZero();
            home.forEach((id, homeNodes) -> {
                assertThat(holders(nodes, id)).containsAll(homeNodes);
                holders(nodes, id).forEach(h -> assertThat(sha256(replicaPath(nodes.get(h), id))).isEqualTo(id));
            });
        }

        @Test
        void findsCorruptionThatTheVerifiedCacheCannotSee() throws IOException {
            byte[] content = randomBytes(20_000, 30);
            String id = put(content).sha256();
            Path first = store.open(id).path(); // verified and cached
            FileTime modified = Files.getLastModifiedTime(first);
            corrupt(first);
            Files.setLastModifiedTime(first, modified); // bit rot: same size, same time

            ScrubReport report = store.scrub();

            assertThat(report.replicasQuarantined()).isEqualTo(1);
            assertThat(report.replicasAdded()).isEqualTo(1);
            assertThat(report.replicasVerified()).isEqualTo(1);
            assertThat(report.healthy()).isTrue();
            assertThat(holders(nodes, id)).hasSize(2)
                    .allSatisfy(h -> assertThat(sha256(replicaPath(nodes.get(h), id))).isEqualTo(id));
            assertThat(read(store.open(id))).isEqualTo(content);
        }

        @Test
        void reportsBlobsWhoseEveryReplicaIsCorruptAsLost() throws IOException {
            String healthy = put(randomBytes(1000, 31)).sha256();
            String doomed = put(randomBytes(1000, 32)).sha256();
            for (int holder : holders(nodes, doomed)) {
                corrupt(replicaPath(nodes.get(holder), doomed));
            }

            ScrubReport report = store.scrub();

            assertThat(report.lostBlobs()).containsExactly(doomed);
            assertThat(report.replicasQuarantined()).isEqualTo(2);
            assertThat(report.blobsChecked()).isEqualTo(2);
            assertThat(report.healthy()).isFalse();
            assertThat(store.contains(healthy)).isTrue();
        }

        @Test
        void reportsBlobsThatCannotReachRReplicas() throws IOException {
            BlobStore everywhere = new BlobStore(settings(nodes, 3));
            everywhere.put(new ByteArrayInputStream(randomBytes(100, 33)), MAX, null);
            TestData.deleteRecursively(nodes.get(1));

            ScrubReport report = everywhere.scrub();

            assertThat(report.underReplicated()).isEqualTo(1);
            assertThat(report.healthy()).isFalse();
        }

        @Test
        void repairsOneBlob() throws IOException {
            byte[] content = randomBytes(1000, 34);
            String id = put(content).sha256();
            List<Integer> home = holders(nodes, id);
            Files.delete(replicaPath(nodes.get(home.get(1)), id));

            RepairResult result = store.repair(id);

            assertThat(result).isEqualTo(new RepairResult(id, 1, 0, 1, 2));
            assertThat(holders(nodes, id)).isEqualTo(home);
            assertThat(store.repair(id)).isEqualTo(new RepairResult(id, 2, 0, 0, 2));
        }

        @Test
        void repairOfAnUnknownBlobFailsWithNotFound() {
            assertThatThrownBy(() -> store.repair(sha256(new byte[] {9})))
                    .isInstanceOfSatisfying(BlobStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        }

        @Test
        void repairOfABlobWithOnlyCorruptReplicasFailsWithCorrupt() throws IOException {
            String id = put(randomBytes(1000, 35)).sha256();
            for (int holder : holders(nodes, id)) {
                corrupt(replicaPath(nodes.get(holder), id));
            }

            assertThatThrownBy(() -> store.repair(id))
                    .isInstanceOfSatisfying(BlobStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.CORRUPT));
        }
    }

    @Nested
    class Ids {

        @ParameterizedTest
        @NullAndEmptySource
        @ValueSource(strings = {
                "../../../../etc/passwd",
                "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555",
                "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "../b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85\n"})
        void rejectsEverythingButSixtyFourLowercaseHexCharacters(String id) {
            for (Runnable call : List.<Runnable>of(
                    () -> store.open(id), () -> store.contains(id), () -> store.delete(id), () -> store.repair(id))) {
                assertThatThrownBy(call::run)
                        .isInstanceOfSatisfying(BlobStoreException.class,
                                e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_ID));
            }
        }
    }

    @Nested
    class Maintenance {

        @Test
        void deletesEveryReplica() {
            String id = put(randomBytes(1000, 40)).sha256();
            String kept = put(randomBytes(1000, 41)).sha256();

            store.delete(id);

            assertThat(store.contains(id)).isFalse();
            assertThat(holders(nodes, id)).isEmpty();
            assertThatThrownBy(() -> store.open(id))
                    .isInstanceOfSatisfying(BlobStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
            assertThat(store.contains(kept)).isTrue();
            store.delete(id); // deleting again is fine
        }

        @Test
        void deletesIdleBlobButKeepsOneRefreshedByADeduplicatingPut() throws IOException {
            byte[] content = randomBytes(1000, 42);
            String id = put(content).sha256();
            java.time.Instant old = java.time.Instant.now().minusSeconds(3600);
            for (int node : holders(nodes, id)) {
                Files.setLastModifiedTime(replicaPath(nodes.get(node), id), java.nio.file.attribute.FileTime.from(old));
            }
            put(content); // a new upload of the same bytes refreshes the replicas

            assertThat(store.deleteIfIdleSince(id, old.plusSeconds(60))).isFalse();
            assertThat(store.contains(id)).isTrue();
            assertThat(store.deleteIfIdleSince(id, java.time.Instant.now().plusSeconds(1))).isTrue();
            assertThat(store.contains(id)).isFalse();
        }

        @Test
        void listsEveryBlobOnceInOrderAndIgnoresForeignFiles() throws IOException {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                ids.add(put(randomBytes(100, 600 + i)).sha256());
            }
            Files.writeString(nodes.get(0).resolve("blobs").resolve("README"), "not a blob");
            Files.createDirectories(nodes.get(1).resolve("blobs").resolve("zz").resolve("00"));
            Path misplaced = nodes.get(2).resolve("blobs").resolve("00").resolve("00").resolve(ids.get(0));
            Files.createDirectories(misplaced.getParent());
            Files.writeString(misplaced, "wrong fan-out");

            try (Stream<String> listed = store.list()) {
                assertThat(listed.toList()).isEqualTo(ids.stream().sorted().toList());
            }
        }

        @Test
        void listsBlobsOfEveryNode() throws IOException {
            String onlyOnOne = put(randomBytes(100, 42)).sha256();
            for (int holder : holders(nodes, onlyOnOne).subList(1, 2)) {
                Files.delete(replicaPath(nodes.get(holder), onlyOnOne));
            }
            String other = put(randomBytes(100, 43)).sha256();

            try (Stream<String> listed = store.list()) {
                assertThat(listed.toList()).containsExactlyInAnyOrder(onlyOnOne, other);
            }
        }

        @Test
        void removesOnlyOldTempFiles() throws IOException {
            Path old = Files.writeString(nodes.get(0).resolve("tmp").resolve("put-1.tmp"), "abandoned");
            Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
            Path fresh = Files.writeString(nodes.get(1).resolve("tmp").resolve("put-2.tmp"), "in progress");

            int removed = store.cleanupTemp(Duration.ofHours(1));

            assertThat(removed).isEqualTo(1);
            assertThat(old).doesNotExist();
            assertThat(fresh).exists();
        }

        @Test
        void createsMissingNodeDirectories() {
            List<Path> deep = List.of(root.resolve("a/b/n1"), root.resolve("c/n2"));

            new BlobStore(settings(deep, 1));

            for (Path node : deep) {
                assertThat(node.resolve("blobs")).isDirectory();
                assertThat(node.resolve("tmp")).isDirectory();
                assertThat(node.resolve("quarantine")).isDirectory();
            }
        }

        @Test
        void reportsNodeStatus() throws IOException {
            Files.move(nodes.get(2), root.resolve("gone"));

            List<NodeStatus> status = store.nodes();

            assertThat(status).extracting(NodeStatus::path).isEqualTo(
                    nodes.stream().map(p -> p.toAbsolutePath().normalize()).toList());
            assertThat(status).extracting(NodeStatus::up).containsExactly(true, true, false);
            assertThat(status.get(0).usableBytes()).isPositive();
            assertThat(status.get(2).usableBytes()).isZero();
            assertThat(status).extracting(NodeStatus::id).doesNotHaveDuplicates();
        }
    }

    /** Overwrites bytes in the middle of a file, keeping its size. */
    static void corrupt(Path replica) throws IOException {
        byte[] bytes = Files.readAllBytes(replica);
        for (int i = bytes.length / 2; i < Math.min(bytes.length, bytes.length / 2 + 16); i++) {
            bytes[i] ^= (byte) 0x5a;
        }
        FileTime before = Files.getLastModifiedTime(replica);
        Files.write(replica, bytes);
        // make sure the change is visible even on a file system with a coarse clock
        Files.setLastModifiedTime(replica, FileTime.fromMillis(before.toMillis() + 2000));
    }
}
