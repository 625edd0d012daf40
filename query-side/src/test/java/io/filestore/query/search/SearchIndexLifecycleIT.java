package io.filestore.query.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.testsupport.TestServicesSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Two instances sharing the database and Elasticsearch: each {@link SearchIndexManager} here has its own
 * {@link IndexLifecycleLock} on its own PostgreSQL sessions, as two processes would, and both manage the index of
 * one prefix.
 */
class SearchIndexLifecycleIT {

    private static IndexLifecycleLock lockOfAnInstance() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(TestServicesSource.services().jdbcUrl());
        dataSource.setUser(TestServicesSource.services().user());
        dataSource.setPassword(TestServicesSource.services().password());
        return new IndexLifecycleLock(dataSource);
    }

    private static SearchIndexManager instance(SearchFixture f) {
        return new SearchIndexManager(f.index, f.replay, f.control, () -> "unidentified-store",
                lockOfAnInstance());
    }

    @Test
    void instancesStartingTogetherEndWithOneIndexBehindOneAlias() throws Exception {
        try (SearchFixture f = new SearchFixture("lifecycle-start")) {
            f.replay.processedAny = false;
            List<SearchIndexManager> instances = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                instances.add(instance(f));
            }
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<String>> started = new ArrayList<>();
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(
                    instances.size()); // one thread each: the instances start at the same moment
            for (SearchIndexManager manager : instances) {
                started.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                        return manager.writeIndex();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, threads));
            }
            go.countDown();
            List<String> writeIndices = new ArrayList<>();
            for (CompletableFuture<String> future : started) {
                writeIndices.add(future.get());
            }

            assertThat(f.index.aliasTargets()).hasSize(1);
            assertThat(f.index.describe()).hasSize(1);
            assertThat(writeIndices).containsOnly(f.index.aliasTargets().get(0));
            instances.forEach(SearchIndexManager::stop);
            threads.shutdown();
        }
    }

    @Test
    void aStartLeavesAloneTheIndexAnotherLiveInstanceIsBuilding() throws Exception {
        try (SearchFixture f = new SearchFixture("lifecycle-build")) {
            f.replay.processedAny = false;
            f.replay.automatic = false;
            f.upload("alice", "a.txt", "text/plain", 1, null, List.of(), "/"); // the rebuild waits for position 0
            SearchIndexManager building = instance(f);
            building.ensureReady();
            building.prepareReplay(); // a rebuild: a second index, marked as being built, that the alias does not serve
            String target = building.status().buildingIndex();
            assertThat(f.index.describe()).containsKey(target);

            SearchIndexManager starting = instance(f);
            starting.ensureReady();

            assertThat(f.index.describe()).as("not deleted as the remains of a crash").containsKey(target);
            assertThat(f.replay.replays).as("no replay started over it").isZero();

            f.replay.replayAll(); // the rebuild passes its target: the first instance swaps the alias
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!f.index.aliasTargets().equals(List.of(target)) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(f.index.aliasTargets()).containsExactly(target);
            building.stop();
            starting.stop();
        }
    }
}
