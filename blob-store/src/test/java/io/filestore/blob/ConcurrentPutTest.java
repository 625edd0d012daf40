package io.filestore.blob;

import static io.filestore.blob.TestData.filesUnder;
import static io.filestore.blob.TestData.holders;
import static io.filestore.blob.TestData.nodeDirs;
import static io.filestore.blob.TestData.randomBytes;
import static io.filestore.blob.TestData.replicaPath;
import static io.filestore.blob.TestData.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentPutTest {

    private static final int WRITERS = 8;

    @TempDir
    Path root;

    List<Path> nodes;
    BlobStore store;
    ExecutorService pool;

    @BeforeEach
    void setUp() {
        nodes = nodeDirs(root, 4);
        store = new BlobStore(new BlobStoreSettings(nodes, 2, 0, false, 100));
        pool = Executors.newFixedThreadPool(WRITERS + 1);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void concurrentWritersOfTheSameContentAllSucceedAndLeaveOneIntactFilePerReplica() throws Exception {
        for (int round = 0; round < 5; round++) {
            byte[] content = randomBytes(2 * 1024 * 1024 + 17, round);
            String id = sha256(content);

            List<PutResult> results = runTogether(i -> store.put(new ByteArrayInputStream(content), Long.MAX_VALUE,
                    id));

            assertThat(results).allSatisfy(result -> {
                assertThat(result.sha256()).isEqualTo(id);
                assertThat(result.size()).isEqualTo(content.length);
                assertThat(result.replicas()).isEqualTo(2);
            });
            assertThat(holders(nodes, id)).hasSize(2)
                    .allSatisfy(h -> assertThat(sha256(replicaPath(nodes.get(h), id))).isEqualTo(id));
            assertThat(store.open(id).size()).isEqualTo(content.length);
        }
        assertNoTempFiles();
    }

    @Test
    void concurrentWritersOfDifferentContentAllSucceed() throws Exception {
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            contents.add(randomBytes(1024 * 1024 + i, 1000 + i));
        }

        List<PutResult> results = runTogether(i -> store.put(new ByteArrayInputStream(contents.get(i)),
                Long.MAX_VALUE, null));

        for (int i = 0; i < WRITERS; i++) {
            String id = sha256(contents.get(i));
            assertThat(results.get(i).sha256()).isEqualTo(id);
            assertThat(holders(nodes, id)).hasSize(2)
                    .allSatisfy(h -> assertThat(sha256(replicaPath(nodes.get(h), id))).isEqualTo(id));
        }
        assertNoTempFiles();
    }

    @Test
    void aReaderNeverSeesAPartialFileAtTheFinalPath() throws Exception {
        for (int round = 0; round < 5; round++) {
            byte[] content = randomBytes(3 * 1024 * 1024, 70 + round);
            String id = sha256(content);
            List<Path> finalPaths = nodes.stream().map(node -> replicaPath(node, id)).toList();
            AtomicBoolean writing = new AtomicBoolean(true);
            Future<List<String>> reader = pool.submit(() -> {
                List<String> seen = new ArrayList<>();
                boolean lastPass = false;
                while (!lastPass) {
                    lastPass = !writing.get();
                    for (Path path : finalPaths) {
                        try {
                            seen.add(sha256(Files.readAllBytes(path)));
                        } catch (NoSuchFileException e) {
                            // not published (yet): fine, only a visible partial file is wrong
                        }
                    }
                }
                return seen;
            });

            try {
                runTogether(i -> store.put(new ByteArrayInputStream(content), Long.MAX_VALUE, null), WRITERS - 1);
            } finally {
                writing.set(false);
            }

            assertThat(reader.get(30, TimeUnit.SECONDS)).hasSizeGreaterThanOrEqualTo(2).containsOnly(id);
        }
    }

    private <T> List<T> runTogether(IndexedTask<T> task) throws Exception {
        return runTogether(task, WRITERS);
    }

    private <T> List<T> runTogether(IndexedTask<T> task, int threads) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int index = i;
            Callable<T> call = () -> {
                start.await(10, TimeUnit.SECONDS);
                return task.run(index);
            };
            futures.add(pool.submit(call));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get(30, TimeUnit.SECONDS));
        }
        return results;
    }

    private void assertNoTempFiles() {
        for (Path node : nodes) {
            assertThat(filesUnder(node.resolve("tmp"))).isEmpty();
        }
    }

    @FunctionalInterface
    interface IndexedTask<T> {
        T run(int index) throws Exception;
    }
}
