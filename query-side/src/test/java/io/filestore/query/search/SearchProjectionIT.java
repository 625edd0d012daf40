package io.filestore.query.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileUploadedEvent;
import io.filestore.command.api.UserId;
import io.filestore.query.search.api.FileHit;
import io.filestore.query.search.api.SearchFilesQuery;
import io.filestore.query.search.api.SearchFilters;
import io.filestore.query.search.api.SearchPage;
import io.filestore.query.search.api.SearchUnavailableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the projection keeps the index: lifecycle events, idempotent replays, batches and failures. */
class SearchProjectionIT {

    SearchFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new SearchFixture("projection");
        f.manager.ensureReady();
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    SearchPage all(String user) throws Exception {
        f.refresh();
        return f.search(new SearchFilesQuery(new UserId(user), null, null, null, null, 0, 100, null, Set.of(), 10));
    }

    FileHit only(String user) throws Exception {
        SearchPage page = all(user);
        assertThat(page.hits()).hasSize(1);
        return page.hits().get(0);
    }

    @Test
    void indexesEveryFieldOfAnUpload() throws Exception {
        FileId id = f.upload("alice", "a.txt", "text/plain; charset=utf-8", 12, "desc", List.of("x", "y"), "/a/b");

        FileHit hit = only("alice");
        assertThat(hit.fileId()).isEqualTo(id);
        assertThat(hit.name().value()).isEqualTo("a.txt");
        assertThat(hit.mediaType().value()).isEqualTo("text/plain; charset=utf-8");
        assertThat(hit.size()).isEqualTo(12);
        assertThat(hit.version()).isEqualTo(1);
        assertThat(hit.blobId()).isEqualTo(SearchFixture.blob("a.txt"));
        assertThat(hit.metadata()).isEqualTo(new FileMetadata("desc", List.of("x", "y"), "/a/b", Map.of("k", "v")));
        assertThat(hit.owner().value()).isEqualTo("alice");
        assertThat(hit.createdAt()).isEqualTo(hit.updatedAt()).isEqualTo(hit.contentUpdatedAt());
        assertThat(hit.score()).isNull();
    }

    @Test
    void newVersionsAndMetadataChangesReplaceTheDocument() throws Exception {
        FileId id = f.upload("alice", "a.txt", "text/plain", 12, null, List.of(), "/");
        Instant created = only("alice").createdAt();
        FileMetadata metadata = new FileMetadata("new", List.of("t"), "/x", Map.of());
        f.newVersion(id, "alice", "b.csv", "text/csv", 99, metadata);
        Instant contentChanged = only("alice").contentUpdatedAt();
        f.rename(id, "alice", "c.csv", metadata);

        FileHit hit = only("alice");
        assertThat(hit.name().value()).isEqualTo("c.csv");
        assertThat(hit.version()).isEqualTo(2);
        assertThat(hit.size()).isEqualTo(99);
        assertThat(hit.mediaType().value()).isEqualTo("text/csv");
        assertThat(hit.metadata().folder()).isEqualTo("/x");
        assertThat(hit.createdAt()).isEqualTo(created);
        assertThat(hit.contentUpdatedAt()).isEqualTo(contentChanged).isAfter(created);
        assertThat(hit.updatedAt()).isAfter(contentChanged);
    }

    @Test
    void trashedFilesLeaveTheIndexAndComeBackWholeWhenRestored() throws Exception {
        FileId id = f.upload("alice", "a.txt", "text/plain", 12, null, List.of(), "/");
        f.rename(id, "alice", "renamed.txt", new FileMetadata("kept", List.of("tag"), "/f", Map.of()));
        f.delete(id, "alice");

        assertThat(all("alice").hits()).isEmpty();
        assertThat(f.index.version(f.manager.writeIndex(), id)).isEqualTo(-1);

        f.restore(id, "alice");

        FileHit hit = only("alice");
        assertThat(hit.name().value()).isEqualTo("renamed.txt");
        assertThat(hit.metadata().tags()).containsExactly("tag");
        assertThat(f.index.version(f.manager.writeIndex(), id)).isEqualTo(4); // sequence 3 + 1
    }

    @Test
    void purgedFilesStayOut() throws Exception {
        FileId id = f.upload("alice", "a.txt", "text/plain", 12, null, List.of(), "/");
        f.delete(id, "alice");
        f.purge(id, "alice");

        assertThat(all("alice").hits()).isEmpty();
    }

    @Test
    void replaysAndStaleRetriesNeverTurnTheIndexBack() throws Exception {
        FileId id = f.upload("alice", "a.txt", "text/plain", 12, null, List.of(), "/");
        f.rename(id, "alice", "b.txt", FileMetadata.EMPTY);
        DomainEventMessage<?> upload = f.events.get(0);

        f.handle(upload); // a stale retry of the upload
        assertThat(only("alice").name().value()).isEqualTo("b.txt");

        for (DomainEventMessage<?> event : List.copyOf(f.events)) {
            f.handle(event); // a replay: the same states in the same order
        }
        assertThat(only("alice").name().value()).isEqualTo("b.txt");
        assertThat(f.index.version(f.manager.writeIndex(), id)).isEqualTo(2);
    }

    @Test
    void aBatchWritesEachFileOnceAndAnnouncesItAfterTheCommit() throws Exception {
        FileId id = FileId.random();
        UnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(null);
        FileUploadedEvent uploaded = new FileUploadedEvent(id, new io.filestore.command.api.FileName("a.txt"),
                new io.filestore.command.api.MediaType("text/plain"), 1, SearchFixture.blob("a"), FileMetadata.EMPTY,
                new UserId("alice"));
        f.handle(f.append(id, uploaded, f.tick(1)));
        f.handle(f.append(id, new io.filestore.command.api.FileMetadataUpdatedEvent(id,
                new io.filestore.command.api.FileName("b.txt"), FileMetadata.EMPTY, new UserId("alice")), f.tick(1)));

        assertThat(f.index.version(f.manager.writeIndex(), id)).isEqualTo(-1); // nothing written before the commit
        assertThat(f.signals.lastIndexed(id)).isEqualTo(-1);
        batch.commit();

        assertThat(f.index.version(f.manager.writeIndex(), id)).isEqualTo(2);
        assertThat(f.signals.lastIndexed(id)).isEqualTo(1);
        assertThat(only("alice").name().value()).isEqualTo("b.txt");
    }

    @Test
    void aFailedWriteFailsTheBatchSoThatTheProcessorRetriesIt() throws Exception {
        FileIndex deadIndex = f.unreachableIndex();
        SearchIndexManager deadManager = new SearchIndexManager(deadIndex, f.replay, f.control);
        SearchProjection projection = new SearchProjection(deadManager, f.eventStore, f.signals);
        FileId id = FileId.random();
        FileUploadedEvent uploaded = new FileUploadedEvent(id, new io.filestore.command.api.FileName("a.txt"),
                new io.filestore.command.api.MediaType("text/plain"), 1, SearchFixture.blob("a"), FileMetadata.EMPTY,
                new UserId("alice"));

        assertThatThrownBy(() -> projection.on(uploaded, 0, Instant.now()))
                .isInstanceOf(SearchUnavailableException.class);
        assertThatThrownBy(() -> new SearchQueryHandler(deadIndex, deadManager).handle(new SearchFilesQuery(
                new UserId("alice"), "a", null, null, null, 0, 10, null, Set.of(), 10)))
                .isInstanceOf(SearchUnavailableException.class);
        assertThat(deadManager.steady()).isFalse();
        deadManager.stop();
    }

    @Test
    void countsExactlyUpToTenThousandThenGivesALowerBound() throws Exception {
        List<FileState> states = new ArrayList<>();
        Instant at = Instant.parse("2024-01-01T00:00:00Z");
        for (int i = 0; i < 10_050; i++) {
            states.add(FileState.uploaded(new FileUploadedEvent(FileId.random(),
                    new io.filestore.command.api.FileName("bulk-" + i + ".txt"),
                    new io.filestore.command.api.MediaType("text/plain"), i, SearchFixture.blob("b" + i),
                    FileMetadata.EMPTY, new UserId("bulk")), 0, at));
            if (states.size() == 2000) {
                f.manager.write(states);
                states.clear();
            }
        }
        f.manager.write(states);
        f.refresh();

        SearchPage many = f.search(new SearchFilesQuery(new UserId("bulk"), null, null, null, null, 0, 10, null,
                Set.of(), 10));
        SearchPage some = f.search(new SearchFilesQuery(new UserId("bulk"), null, new SearchFilters(List.of(), null,
                true, null, 10_000L, null, null, null, null, null, null), null, null, 0, 10, null, Set.of(), 10));

        assertThat(many.total()).isEqualTo(10_000);
        assertThat(many.totalExact()).isFalse();
        assertThat(some.total()).isEqualTo(50);
        assertThat(some.totalExact()).isTrue();
    }
}
