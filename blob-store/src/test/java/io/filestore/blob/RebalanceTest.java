package io.filestore.blob;

import static io.filestore.blob.TestData.holders;
import static io.filestore.blob.TestData.randomBytes;
import static io.filestore.blob.TestData.replicaPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.blob.Rebalancer.RebalanceRun;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nodes added and removed at runtime, and the rebalancer that moves blobs to their new homes. */
class RebalanceTest {

    @TempDir
    Path root;

    private Map<String, byte[]> putMany(BlobStore store, int count) {
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            byte[] content = randomBytes(1000 + i, 100 + i);
            blobs.put(store.put(new ByteArrayInputStream(content), Long.MAX_VALUE, null).sha256(), content);
        }
        return blobs;
    }

    private static void assertAllReadable(BlobStore store, Map<String, byte[]> blobs) throws Exception {
        for (Map.Entry<String, byte[]> blob : blobs.entrySet()) {
            try (var in = store.open(blob.getKey()).openStream()) {
                assertThat(in.readAllBytes()).isEqualTo(blob.getValue());
            }
        }
    }

    @Test
    void movesBlobsToAnAddedNodeAndRemovesOnlyVerifiedExtraCopies() throws Exception {
        List<Path> nodes = new ArrayList<>(TestData.nodeDirs(root, 2));
        try (BlobStore store = new BlobStore(TestData.settings(nodes, 2))) {
            Map<String, byte[]> blobs = putMany(store, 40);
            Path added = root.resolve("node-new");
            NodeStatus status = store.addNode(added, "default");
            assertThat(status.name()).isEqualTo("node-3");
            assertThat(store.nodes()).hasSize(3);
            nodes.add(added);

            Rebalancer rebalancer = new Rebalancer(store, root.resolve("state"), 0, 7);
            rebalancer.request();
            assertThat(rebalancer.pending()).isTrue();
            RebalanceRun run = rebalancer.run();

            assertThat(run).isNotNull();
            assertThat(run.blobsChecked()).isEqualTo(40);
            assertThat(run.replicasCopied()).isPositive().isEqualTo(run.replicasDeleted());
            assertThat(rebalancer.pending()).isFalse();
            assertThat(rebalancer.lastRun().replicasCopied()).isEqualTo(run.replicasCopied());
            int onNew = 0;
            for (String id : blobs.keySet()) {
                assertThat(holders(nodes, id)).as("replicas of %s", id).hasSize(2);
                onNew += holders(nodes, id).contains(2) ? 1 : 0;
            }
            assertThat(onNew).isEqualTo((int) run.replicasCopied());
            assertAllReadable(store, blobs);

            RebalanceRun again = new Rebalancer(store, root.resolve("state"), 0, 7).run();
            assertThat(again.replicasCopied()).isZero();
            assertThat(again.replicasDeleted()).isZero();
        }
    }

    @Test
    void anInterruptedPassResumesAfterItsSavedPosition() throws Exception {
        List<Path> nodes = TestData.nodeDirs(root, 2);
        try (BlobStore store = new BlobStore(TestData.settings(nodes, 1))) {
            Map<String, byte[]> blobs = putMany(store, 20);
            List<String> ids = blobs.keySet().stream().sorted().toList();
            Path state = root.resolve("state");
            Files.createDirectories(state);
            Files.writeString(state.resolve("rebalance-state.properties"),
                    "startedAt=2026-01-01T00\\:00\\:00Z\ncursor=" + ids.get(11) + "\nblobsChecked=12\n");

            Rebalancer rebalancer = new Rebalancer(store, state, 0, 5);
            assertThat(rebalancer.pending()).isTrue();
            assertThat(rebalancer.current().cursor()).isEqualTo(ids.get(11));
            RebalanceRun run = rebalancer.run();

            assertThat(run.blobsChecked()).isEqualTo(20); // 12 before the crash, 8 after
            assertThat(run.startedAt()).hasToString("2026-01-01T00:00:00Z");
            assertThat(run.cursor()).isEqualTo(ids.get(19));
        }
    }

    @Test
    void refusesToRemoveANodeWithTheOnlyCopyUntilItIsDrained() throws Exception {
        List<Path> nodes = TestData.nodeDirs(root, 2);
        try (BlobStore store = new BlobStore(TestData.settings(nodes, 1))) {
            Map<String, byte[]> blobs = putMany(store, 10);
            assertThatThrownBy(() -> store.removeNode("node-1"))
                    .isInstanceOfSatisfying(BlobStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(BlobStoreException.Reason.INVALID_STATE))
                    .hasMessageContaining("only intact replica");
            assertThat(store.nodes()).hasSize(2);

            store.setState("node-1", false, true);
            assertThat(store.drain("node-1").remaining()).isZero();
            store.removeNode("node-1");

            assertThat(store.nodes()).extracting(NodeStatus::name).containsExactly("node-2");
            assertAllReadable(store, blobs);
            String onFirst = blobs.keySet().stream().filter(id -> holders(nodes, id).contains(0)).findFirst()
                    .orElseThrow();
            assertThat(replicaPath(nodes.get(0), onFirst)).exists(); // its files stay where they are
            assertThatThrownBy(() -> store.removeNode("node-2")).hasMessageContaining("fewer nodes");
        }
    }

    @Test
    void aCorruptReplicaElsewhereDoesNotCountAsACopy() throws Exception {
        List<Path> nodes = TestData.nodeDirs(root, 2);
        try (BlobStore store = new BlobStore(TestData.settings(nodes, 2))) {
            byte[] content = randomBytes(5000, 1);
            String id = store.put(new ByteArrayInputStream(content), Long.MAX_VALUE, null).sha256();
            store.addNode(root.resolve("node-3"), "default");
            Path onSecond = replicaPath(nodes.get(1), id);
            byte[] rotten = content.clone();
            rotten[0] ^= 1;
            Files.write(onSecond, rotten);

            assertThatThrownBy(() -> store.removeNode("node-1")).hasMessageContaining("only intact replica");
        }
    }

    @Test
    void refusesANodeTwiceAndAnInvalidLocation() {
        try (BlobStore store = new BlobStore(TestData.settings(TestData.nodeDirs(root, 2), 1))) {
            assertThatThrownBy(() -> store.addNode(root.resolve("node-0"), "default"))
                    .hasMessageContaining("already");
            assertThatThrownBy(() -> store.addNode(root.resolve("x"), "bad location"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(store.nodes()).hasSize(2);
        }
    }
}
