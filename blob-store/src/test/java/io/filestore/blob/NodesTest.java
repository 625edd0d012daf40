package io.filestore.blob;

import static io.filestore.blob.TestData.holders;
import static io.filestore.blob.TestData.nodeDirs;
import static io.filestore.blob.TestData.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.blob.BlobStoreException.Reason;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locations, node states (read-only, draining), capacity and what {@link BlobStore#nodes()} reports. */
class NodesTest {

    @TempDir
    Path root;
    BlobStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    BlobStore open(List<Path> nodes, int r, List<String> locations) {
        store = new BlobStore(new BlobStoreSettings(nodes, r, 0, false, 100, Duration.ofMinutes(5), 100, locations));
        return store;
    }

    String put(byte[] content) {
        return store.put(new ByteArrayInputStream(content), Long.MAX_VALUE, null).sha256();
    }

    @Test
    void replicasGoToDistinctLocations() {
        List<Path> nodes = nodeDirs(root, 4);
        List<String> locations = List.of("us-east-1", "us-east-1", "eu-west-1", "eu-west-1");
        open(nodes, 2, locations);

        for (int i = 0; i < 40; i++) {
            String id = put(randomBytes(100, i));
            Set<String> where = holders(nodes, id).stream().map(locations::get).collect(Collectors.toSet());
            assertThat(where).as("locations of blob %d", i).containsExactlyInAnyOrder("us-east-1", "eu-west-1");
        }
    }

    @Test
    void withoutLocationsPlacementIsPlainRendezvous() {
        List<Path> nodes = nodeDirs(root, 4);
        open(nodes, 2, List.of());
        List<Integer> sameLocationPairs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            List<Integer> holders = holders(nodes, put(randomBytes(100, i)));
            assertThat(holders).hasSize(2);
            if (holders.get(0) / 2 == holders.get(1) / 2) {
                sameLocationPairs.add(i);
            }
        }
        assertThat(sameLocationPairs).isNotEmpty(); // nothing keeps nodes 0+1 or 2+3 apart without locations
    }

    @Test
    void rejectsAMismatchedNumberOfLocations() {
        assertThatThrownBy(() -> new BlobStoreSettings(nodeDirs(root, 3), 2, 0, false, 0, Duration.ZERO, 1,
                List.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlobStoreSettings(nodeDirs(root, 2), 2, 0, false, 0, Duration.ZERO, 1,
                List.of("a", "b/c")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReadOnlyNodeIsReadButTakesNoNewBlobs() throws Exception {
        List<Path> nodes = nodeDirs(root, 3);
        open(nodes, 2, List.of());
        byte[] before = randomBytes(1000, 1);
        String old = put(before);
        int holder = holders(nodes, old).get(0);
        store.setState("node-" + (holder + 1), true, false);

        for (int i = 0; i < 20; i++) {
            assertThat(holders(nodes, put(randomBytes(100, 100 + i)))).doesNotContain(holder).hasSize(2);
        }
        assertThat(store.nodes().get(holder).state()).isEqualTo("read-only");
        assertThat(Files.readAllBytes(store.open(old).path())).isEqualTo(before);

        store.setState("node-" + (holder + 1), false, false);
        assertThat(store.nodes().get(holder).state()).isEqualTo("up");
    }

    @Test
    void aDrainedNodeHoldsNothingNeededAndCanBeRemoved() throws Exception {
        List<Path> nodes = nodeDirs(root, 3);
        open(nodes, 2, List.of());
        List<byte[]> contents = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            contents.add(randomBytes(500, 200 + i));
            ids.add(put(contents.get(i)));
        }
        long onFirst = store.usage("node-1").blobs();
        assertThat(onFirst).isPositive();
        assertThatThrownBy(() -> store.drain("node-1"))
                .isInstanceOfSatisfying(BlobStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_STATE));

        store.setState("node-1", false, true);
        DrainResult result = store.drain("node-1");

        assertThat(result.blobs()).isEqualTo(onFirst);
        assertThat(result.replicasCopied()).isEqualTo(onFirst);
        assertThat(result.complete()).isTrue();
        assertThat(store.drain("node-1").replicasCopied()).isZero(); // idempotent
        assertThat(store.nodes().get(0).state()).isEqualTo("draining");
        TestData.deleteRecursively(nodes.get(0));
        for (int i = 0; i < ids.size(); i++) {
            assertThat(holders(nodes, ids.get(i))).hasSize(2).doesNotContain(0);
            assertThat(Files.readAllBytes(store.open(ids.get(i)).path())).isEqualTo(contents.get(i));
        }
    }

    @Test
    void aDrainThatCannotFindRoomReportsWhatIsLeft() throws Exception {
        List<Path> nodes = nodeDirs(root, 2);
        open(nodes, 2, List.of());
        put(randomBytes(500, 1));
        store.setState("node-1", false, true);

        DrainResult result = store.drain("node-1");

        assertThat(result.complete()).isFalse();
        assertThat(result.remaining()).isEqualTo(1);
        assertThat(store.health().underReplicated()).isEqualTo(1);
    }

    @Test
    void reportsNamesLocationsStatesAndUsage() throws Exception {
        List<Path> nodes = nodeDirs(root, 2);
        open(nodes, 1, List.of("rack-a", "rack-b"));
        String id = put(randomBytes(1234, 1));
        int holder = holders(nodes, id).get(0);
        TestData.deleteRecursively(nodes.get(1 - holder));

        List<NodeStatus> status = store.nodes();

        assertThat(status).extracting(NodeStatus::name).containsExactly("node-1", "node-2");
        assertThat(status).extracting(NodeStatus::location).containsExactly("rack-a", "rack-b");
        assertThat(status.get(holder).state()).isEqualTo("up");
        assertThat(status.get(holder).totalBytes()).isGreaterThanOrEqualTo(status.get(holder).usableBytes());
        assertThat(status.get(1 - holder).state()).isEqualTo("down");
        assertThat(store.usage("node-" + (holder + 1))).isEqualTo(new NodeUsage(1, 1234));
        assertThatThrownBy(() -> store.usage("node-9"))
                .isInstanceOfSatisfying(BlobStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }
}
