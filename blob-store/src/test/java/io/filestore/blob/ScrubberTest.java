package io.filestore.blob;

import static io.filestore.blob.TestData.holders;
import static io.filestore.blob.TestData.nodeDirs;
import static io.filestore.blob.TestData.randomBytes;
import static io.filestore.blob.TestData.replicaPath;
import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.blob.Scrubber.ScrubRun;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScrubberTest {

    @TempDir
    Path root;
    List<Path> nodes;
    BlobStore store;
    TreeSet<String> referenced = new TreeSet<>();
    List<String> asked = new ArrayList<>();

    @BeforeEach
    void open() {
        nodes = nodeDirs(root, 3);
        store = new BlobStore(new BlobStoreSettings(nodes, 2, 0, false, 1000, Duration.ofMinutes(5), 10));
    }

    @AfterEach
    void close() {
        store.close();
    }

    String put(byte[] content) {
        String id = store.put(new ByteArrayInputStream(content), Long.MAX_VALUE, null).sha256();
        referenced.add(id);
        return id;
    }

    Scrubber scrubber(long bytesPerSecond, int batch) {
        return new Scrubber(store, (after, limit) -> {
            asked.add(after);
            return referenced.tailSet(after, false).stream().limit(limit).toList();
        }, root.resolve("state"), bytesPerSecond, batch);
    }

    @Test
    void restoresTheReplicationFactorAndQuarantinesCorruptReplicas() throws Exception {
        String missing = put(randomBytes(10_000, 1));
        String rotten = put(randomBytes(10_000, 2));
        String fine = put(randomBytes(10_000, 3));
        Files.delete(replicaPath(nodes.get(holders(nodes, missing).get(0)), missing));
        HealingTest.flipByteKeepingMtime(replicaPath(nodes.get(holders(nodes, rotten).get(1)), rotten));

        ScrubRun run = scrubber(0, 2).run();

        assertThat(run.blobsChecked()).isEqualTo(3);
        assertThat(run.replicasAdded()).isEqualTo(2);
        assertThat(run.replicasQuarantined()).isEqualTo(1);
        assertThat(run.replicasRepaired()).isEqualTo(3);
        assertThat(run.unrecoverable()).isZero();
        assertThat(run.finishedAt()).isNotNull();
        for (String id : List.of(missing, rotten, fine)) {
            assertThat(holders(nodes, id)).hasSize(2);
        }
    }

    @Test
    void listsBlobsWithNoReplicaAsUnrecoverable() throws Exception {
        String lost = put(randomBytes(10_000, 4));
        for (int holder : holders(nodes, lost)) {
            Files.delete(replicaPath(nodes.get(holder), lost));
        }
        referenced.add("f".repeat(64)); // referenced, never stored

        ScrubRun run = scrubber(0, 10).run();

        assertThat(run.unrecoverable()).isEqualTo(2);
        assertThat(run.unrecoverableBlobs()).containsExactlyInAnyOrder(lost, "f".repeat(64));
        assertThat(store.health().unrecoverable()).isEqualTo(2);
    }

    @Test
    void aStoppedRunResumesAfterTheLastSavedBlobAndTheLastRunSurvivesARestart() throws Exception {
        for (int i = 0; i < 6; i++) {
            put(randomBytes(1000, 10 + i));
        }
        AtomicInteger checked = new AtomicInteger();
        Scrubber first = new Scrubber(store, (after, limit) -> {
            if (checked.getAndAdd(limit) >= 2) {
                throw new IllegalStateException("crash"); // the process dies while asking for the second batch
            }
            return referenced.tailSet(after, false).stream().limit(limit).toList();
        }, root.resolve("state"), 0, 2);
        try {
            first.run();
        } catch (IllegalStateException expected) {
            // simulated crash
        }
        assertThat(first.interrupted()).isTrue();

        Scrubber restarted = scrubber(0, 2);
        ScrubRun run = restarted.run();

        List<String> ids = new ArrayList<>(referenced);
        assertThat(asked.get(0)).isEqualTo(ids.get(1)); // resumed after the first batch
        assertThat(run.blobsChecked()).isEqualTo(6);
        assertThat(restarted.interrupted()).isFalse();
        assertThat(scrubber(0, 2).lastRun()).isEqualTo(run);
    }

    @Test
    void isPacedByTheByteRate() {
        put(randomBytes(100_000, 20));
        put(randomBytes(100_000, 21));
        long start = System.nanoTime();

        // 2 blobs x 2 replicas x 100 kB at 800 kB/s: at least about half a second
        ScrubRun run = scrubber(800_000, 10).run();

        assertThat(run.blobsChecked()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }
}
