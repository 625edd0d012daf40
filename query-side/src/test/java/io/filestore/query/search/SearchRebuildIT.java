package io.filestore.query.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileName;
import io.filestore.command.api.FileUploadedEvent;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.UserId;
import io.filestore.query.search.api.RebuildStatus;
import io.filestore.query.search.api.SearchFilesQuery;
import io.filestore.query.search.api.SearchPage;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rebuilding the index by replay into a new index behind the alias, on the real Elasticsearch. */
class SearchRebuildIT {

    static final String STORE = "unidentified-store";

    SearchFixture f;

    @BeforeEach
    void setUp() {
        f = new SearchFixture("rebuild");
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    long total(String user) {
        return f.search(new SearchFilesQuery(new UserId(user), null, null, null, null, 0, 1, null, Set.of(), 10))
                .total();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void searchesNeverSeeAnEmptyOrPartialIndexDuringARebuild() throws Exception {
        f.manager.ensureReady();
        for (int i = 0; i < 150; i++) {
            f.upload("alice", "file-" + i + ".txt", "text/plain", i, null, List.of(), "/");
        }
        f.refresh();
        String before = f.manager.status().servingIndex();
        f.replay.pausePerEvent = Duration.ofMillis(10);
        List<Long> totalsDuringRebuild = Collections.synchronizedList(new ArrayList<>());
        List<Long> allTotals = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        Thread searcher = new Thread(() -> {
            while (!stop.get()) {
                boolean rebuilding = f.manager.status().rebuilding();
                long total = total("alice");
                allTotals.add(total);
                if (rebuilding) {
                    totalsDuringRebuild.add(total);
                }
            }
        });
        searcher.start();

        RebuildStatus started = f.manager.rebuild();
        FileId late = f.upload("alice", "late.txt", "text/plain", 1, null, List.of(), "/"); // a change mid-rebuild
        await("the rebuild completes", () -> !f.manager.status().rebuilding());
        Thread.sleep(200);
        stop.set(true);
        searcher.join();

        RebuildStatus done = f.manager.status();
        assertThat(started.rebuilding()).isTrue();
        assertThat(started.buildingIndex()).isNotEqualTo(before);
        assertThat(done.servingIndex()).isEqualTo(started.buildingIndex());
        assertThat(done.lastCompletedAt()).isNotNull();
        assertThat(f.index.indices()).containsOnlyKeys(done.servingIndex()); // the old index is gone
        // Never empty, never partial: the old index (150) until the swap, then the new one (151, with the late file).
        assertThat(totalsDuringRebuild).hasSizeGreaterThan(5).allMatch(t -> t == 150 || t == 151);
        assertThat(allTotals).allMatch(t -> t == 150 || t == 151);
        assertThat(total("alice")).isEqualTo(151);
        assertThat(f.index.version(done.servingIndex(), late)).isEqualTo(1);
    }

    @Test
    void anIndexWithAnOlderMappingIsRebuiltAtStart() throws Exception {
        String old = f.prefix + "-files-v0-old";
        f.client.indices().create(r -> r.index(old).withJson(new StringReader(
                "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},"
                        + "\"mappings\":{\"_meta\":{\"mappingVersion\":0,\"storeId\":\"" + STORE + "\"},\"properties\":{\"readers\":{\"type\":\"keyword\"}}}}")));
        f.index.addAlias(old);
        for (int i = 0; i < 3; i++) {
            FileId id = FileId.random();
            f.append(id, new FileUploadedEvent(id, new FileName("f" + i), new MediaType("text/plain"), 1,
                    SearchFixture.blob("f" + i), FileMetadata.EMPTY, new UserId("alice")), f.tick(1));
        }

        f.manager.ensureReady();
        await("the upgrade completes", () -> f.manager.status().lastCompletedAt() != null);

        RebuildStatus status = f.manager.status();
        assertThat(status.servingIndex()).startsWith(f.prefix + "-files-v" + FileIndex.MAPPING_VERSION + "-");
        assertThat(f.index.mappingVersion(status.servingIndex())).isEqualTo(FileIndex.MAPPING_VERSION);
        assertThat(f.index.indices()).containsOnlyKeys(status.servingIndex());
        assertThat(total("alice")).isEqualTo(3);
        assertThat(f.replay.replays).isEqualTo(1);
    }

    @Test
    void aMissingIndexIsCreatedAndFilledFromTheEventStore() throws Exception {
        for (int i = 0; i < 3; i++) {
            FileId id = FileId.random();
            f.append(id, new FileUploadedEvent(id, new FileName("f" + i), new MediaType("text/plain"), 1,
                    SearchFixture.blob("f" + i), FileMetadata.EMPTY, new UserId("alice")), f.tick(1));
        }

        f.manager.ensureReady();
        String created = f.manager.status().servingIndex();
        await("the replay fills it", () -> {
            try {
                f.refresh();
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            return total("alice") == 3;
        });

        assertThat(f.manager.status().servingIndex()).isEqualTo(created);
        assertThat(f.manager.status().rebuilding()).isFalse();
        assertThat(f.replay.replays).isEqualTo(1);
    }

    /** Stands in for a restore: holds the processor control until released, resetting the projection if asked. */
    Thread holdControl(CountDownLatch held, CountDownLatch release, boolean resetInside) {
        Thread restore = new Thread(() -> f.control.exclusively(() -> {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (resetInside) {
                f.replay.replay();
            }
        }), "restore-stand-in");
        restore.start();
        return restore;
    }

    @Test
    void theReplayAtStartWaitsWhileARestoreControlsTheProcessors() throws Exception {
        appendUploads(3);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread restore = holdControl(held, release, false);
        held.await();

        f.manager.ensureReady();
        Thread.sleep(1_500);
        assertThat(f.replay.replays).isZero(); // it did not stop and reset processors the restore controls

        release.countDown();
        restore.join();
        await("the replay runs once the restore is done", () -> f.replay.replays == 1);
        await("the replay fills the index", () -> refreshedTotal("alice") == 3);
    }

    @Test
    void theReplayAtStartIsDroppedWhenARestoreResetTheProjectionMeanwhile() throws Exception {
        appendUploads(3);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread restore = holdControl(held, release, true);
        held.await();

        f.manager.ensureReady();
        Thread.sleep(500);
        release.countDown();
        restore.join();
        await("the restore's replay fills the index", () -> refreshedTotal("alice") == 3);
        Thread.sleep(2_500); // the start's replay retries every second: long enough for a redundant one to show

        assertThat(f.replay.replays).isEqualTo(1); // only the restore's reset, no second replay
    }

    void appendUploads(int count) {
        for (int i = 0; i < count; i++) {
            FileId id = FileId.random();
            f.append(id, new FileUploadedEvent(id, new FileName("f" + i), new MediaType("text/plain"), 1,
                    SearchFixture.blob("f" + i), FileMetadata.EMPTY, new UserId("alice")), f.tick(1));
        }
    }

    long refreshedTotal(String user) {
        try {
            f.refresh();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return total(user);
    }

    @Test
    void aNewIndexForAProcessorThatHasProcessedNothingYetNeedsNoReplay() throws Exception {
        FileId id = FileId.random();
        f.append(id, new FileUploadedEvent(id, new FileName("f"), new MediaType("text/plain"), 1,
                SearchFixture.blob("f"), FileMetadata.EMPTY, new UserId("alice")), f.tick(1));
        f.replay.processedAny = false;

        f.manager.ensureReady();

        assertThat(f.replay.replays).isZero(); // the processor will deliver the event anyway
        assertThat(f.manager.status().servingIndex()).isNotNull();
    }

    @Test
    void indicesTheAliasDoesNotServeAreRemovedAtStart() throws Exception {
        String serving = f.index.create(false, STORE);
        f.index.addAlias(serving);
        String stray = f.index.create(false, STORE); // an old index whose deletion after a swap failed

        f.manager.ensureReady();

        assertThat(f.index.indices()).containsOnlyKeys(serving);
        assertThat(f.manager.status().servingIndex()).isEqualTo(serving);
        assertThat(stray).isNotEqualTo(serving);
        assertThat(f.replay.replays).isZero(); // empty store, current mapping: nothing to replay
        assertThat(f.manager.incompleteBecause()).isNull();
    }

    @Test
    void aRebuildInterruptedBeforeItsSwapIsStartedOverAtStartWhileTheOldIndexServes() throws Exception {
        appendUploads(3);
        String serving = f.index.create(false, STORE);
        f.index.addAlias(serving);
        String interrupted = f.index.create(true, STORE); // a crash left the half-built index of a rebuild
        f.replay.automatic = false;

        f.manager.ensureReady();
        await("the rebuild starts", () -> f.manager.status().rebuilding());

        assertThat(f.replay.replays).isEqualTo(1);
        RebuildStatus status = f.manager.status();
        assertThat(status.rebuilding()).isTrue(); // not into the serving index: into a new one
        assertThat(status.servingIndex()).isEqualTo(serving);
        assertThat(status.buildingIndex()).isNotIn(serving, interrupted);
        assertThat(f.index.indices()).doesNotContainKey(interrupted);
        assertThat(f.manager.incompleteBecause()).contains("rebuilt");
        f.replay.replayAll();
        await("the rebuild completes", () -> !f.manager.status().rebuilding());
        assertThat(f.index.meta(f.manager.status().servingIndex()).building()).isFalse();
        assertThat(refreshedTotal("alice")).isEqualTo(3);
        assertThat(f.manager.incompleteBecause()).isNull();
    }

    @Test
    void anIndexOfAnotherEventStoreIsNeverServed() throws Exception {
        String foreign = f.index.create(false, "another-store");
        f.index.addAlias(foreign);
        f.index.write(foreign, List.of(FileState.uploaded(new FileUploadedEvent(FileId.random(), new FileName("old"),
                new MediaType("text/plain"), 1, SearchFixture.blob("old"), FileMetadata.EMPTY, new UserId("alice")),
                0, f.tick(1))));
        f.index.refresh(foreign);
        assertThat(total("alice")).isEqualTo(1);

        f.manager.ensureReady(); // this store is empty

        assertThat(f.index.indices()).doesNotContainKey(foreign);
        assertThat(f.index.meta(f.manager.status().servingIndex()).storeId()).isEqualTo(STORE);
        assertThat(total("alice")).isZero();
        assertThat(f.replay.replays).isZero();
    }

    @Test
    void aResetDuringARebuildStartsItOverInAFreshIndex() throws Exception {
        f.manager.ensureReady();
        f.upload("alice", "a.txt", "text/plain", 1, null, List.of(), "/");
        f.refresh();
        f.replay.automatic = false;

        f.projection.reset();
        String first = f.manager.status().buildingIndex();
        f.projection.reset();
        String second = f.manager.status().buildingIndex();

        assertThat(second).isNotEqualTo(first);
        assertThat(f.index.indices()).doesNotContainKey(first).containsKey(second);
        assertThat(total("alice")).isEqualTo(1); // still served by the old index
        f.replay.replayAll();
        await("the rebuild completes", () -> !f.manager.status().rebuilding());
        assertThat(f.manager.status().servingIndex()).isEqualTo(second);
        assertThat(total("alice")).isEqualTo(1);
    }

    @Test
    void writersDoNotWaitForSearchWhileItRebuilds() throws Exception {
        f.manager.ensureReady();
        FileId id = f.upload("alice", "a.txt", "text/plain", 1, null, List.of(), "/");
        f.replay.automatic = false;
        f.projection.reset();

        // Waiting for the full hour would trip the guard: the writer must be let go at once.
        boolean visible = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> f.visibility.awaitIndexed(id, 0, Duration.ofHours(1)));

        assertThat(visible).isFalse();
        SearchPage page = f.search(new SearchFilesQuery(new UserId("alice"), "a", null, null, null, 0, 10, null,
                Set.of(), 10));
        assertThat(page.total()).isLessThanOrEqualTo(1);
    }
}
