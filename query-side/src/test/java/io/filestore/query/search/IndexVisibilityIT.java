package io.filestore.query.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileName;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.UserId;
import io.filestore.query.search.api.SearchFilesQuery;
import io.filestore.query.search.api.SearchUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Read-your-writes on the real Elasticsearch. Periodic refreshes are switched off for these tests, so only the
 * refresh a waiting writer causes can make a change searchable.
 */
class IndexVisibilityIT {

    SearchFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new SearchFixture("visibility");
        f.manager.ensureReady();
        String index = f.manager.writeIndex();
        f.client.indices().putSettings(r -> r.index(index).settings(s -> s.refreshInterval(t -> t.time("-1"))));
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    long found(String text) {
        return f.search(new SearchFilesQuery(new UserId("alice"), text, null, null, null, 0, 10, null, Set.of(), 10))
                .total();
    }

    @Test
    void aWriterWaitingForItsUploadMakesItSearchable() {
        FileId id = f.upload("alice", "visible.txt", "text/plain", 1, null, List.of(), "/");
        assertThat(found("visible")).isZero(); // indexed but not yet refreshed

        boolean visible = f.visibility.awaitIndexed(id, 0, Duration.ofSeconds(5));

        assertThat(visible).isTrue();
        assertThat(found("visible")).isEqualTo(1);
    }

    @Test
    void aWriterWaitingForItsDeleteNoLongerFindsTheFile() {
        FileId id = f.upload("alice", "gone.txt", "text/plain", 1, null, List.of(), "/");
        f.visibility.awaitIndexed(id, 0, Duration.ofSeconds(5));
        f.delete(id, "alice");
        assertThat(found("gone")).isEqualTo(1);

        assertThat(f.visibility.awaitRemoved(id, Duration.ofSeconds(5))).isTrue();
        assertThat(found("gone")).isZero();
    }

    @Test
    void aWaiterIsWokenByTheChangeItWaitsFor() throws Exception {
        FileId id = f.upload("alice", "before.txt", "text/plain", 1, null, List.of(), "/");
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(
                () -> f.visibility.awaitIndexed(id, 1, Duration.ofSeconds(10)));
        Thread.sleep(300);
        assertThat(waiting).isNotDone();

        f.rename(id, "alice", "after.txt", FileMetadata.EMPTY);

        assertThat(waiting.get()).isTrue();
        assertThat(found("after")).isEqualTo(1);
    }

    @Test
    void givesUpAfterTheTimeoutWhenTheChangeNeverComes() {
        FileId id = f.upload("alice", "a.txt", "text/plain", 1, null, List.of(), "/");

        boolean visible = f.visibility.awaitIndexed(id, 7, Duration.ofMillis(300));

        assertThat(visible).isFalse();
    }

    @Test
    void aChangeWhoseSignalNeverCameIsFoundInElasticsearchAtTheTimeout() {
        FileId id = f.upload("alice", "elsewhere.txt", "text/plain", 1, null, List.of(), "/");
        // an instance that heard nothing (the indexing instance's notice was lost): only Elasticsearch knows
        IndexVisibility deaf = new IndexVisibility(f.index, f.manager, new IndexSignals());

        long started = System.nanoTime();
        assertThat(deaf.awaitIndexed(id, 0, Duration.ofMillis(400))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(found("elsewhere")).isEqualTo(1);
        assertThat(deaf.awaitIndexed(id, 1, Duration.ofMillis(200))).isFalse(); // not indexed at sequence 1
    }

    @Test
    void doesNotWaitWhileTheProjectionCannotWriteAndWaitsAgainOnceItCan() throws Exception {
        FileId id = f.upload("alice", "first.txt", "text/plain", 1, null, List.of(), "/");
        SearchIndexManager deadManager = new SearchIndexManager(f.unreachableIndex(), f.replay, f.control);
        IndexBatch refused = new IndexBatch(deadManager, f.signals);
        refused.put(stateOf(id));
        assertThatThrownBy(refused::flush).isInstanceOf(SearchUnavailableException.class)
                .hasMessageContaining("could not write 1 file(s)").hasNoCause()
                .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
        deadManager.stop();

        // Elasticsearch itself answers (the manager is healthy), but the processor is behind: no waiting the hour
        boolean visible = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> f.visibility.awaitIndexed(id, 1, Duration.ofHours(1)));
        assertThat(visible).isFalse();

        f.rename(id, "alice", "second.txt", FileMetadata.EMPTY); // a batch written: the processor caught up
        assertThat(f.visibility.awaitIndexed(id, 1, Duration.ofSeconds(30))).isTrue();
        assertThat(found("second")).isEqualTo(1);
    }

    private static FileState stateOf(FileId id) {
        Instant at = Instant.parse("2024-01-01T00:00:00Z");
        return new FileState(id, new UserId("alice"), new FileName("x.txt"), new MediaType("text/plain"), 1,
                SearchFixture.blob("x"), 1, FileMetadata.EMPTY, at, at, at, false, false, 5, Map.of());
    }

    @Test
    void doesNotWaitWhenElasticsearchIsUnreachable() throws Exception {
        FileIndex deadIndex = f.unreachableIndex();
        SearchIndexManager deadManager = new SearchIndexManager(deadIndex, f.replay, f.control);
        IndexVisibility visibility = new IndexVisibility(deadIndex, deadManager, new IndexSignals());

        // Waiting for the full hour would trip the guard: the writer must be let go at once.
        boolean visible = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> visibility.awaitIndexed(FileId.random(), 0, Duration.ofHours(1)));

        assertThat(visible).isFalse();
        deadManager.stop();
    }
}
