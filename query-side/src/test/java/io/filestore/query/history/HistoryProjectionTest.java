package io.filestore.query.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.command.api.Actor;
import io.filestore.command.api.BlobId;
import io.filestore.command.api.FileDeletedEvent;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileMetadataUpdatedEvent;
import io.filestore.command.api.FileName;
import io.filestore.command.api.FilePurgedEvent;
import io.filestore.command.api.FileRestoredFromTrashEvent;
import io.filestore.command.api.FileSharedEvent;
import io.filestore.command.api.FileUploadedEvent;
import io.filestore.command.api.FileVersionAddedEvent;
import io.filestore.command.api.Grantee;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.Role;
import io.filestore.command.api.ShareRevokedEvent;
import io.filestore.command.api.UserGroupsSetEvent;
import io.filestore.command.api.UserId;
import io.filestore.query.history.api.AccessView;
import io.filestore.query.history.api.ChangePage;
import io.filestore.query.history.api.ChangesQuery;
import io.filestore.query.history.api.FileAccessAtQuery;
import io.filestore.query.history.api.FindFileAsOfQuery;
import io.filestore.query.history.api.HistoricFileView;
import io.filestore.query.history.api.ListFilesAsOfQuery;
import io.filestore.query.history.api.ListVersionsAsOfQuery;
import io.filestore.query.history.api.UserAccessAtQuery;
import io.filestore.query.metadata.api.FileVersionView;
import java.sql.SQLException;
import io.filestore.query.metadata.api.FileView;
import io.filestore.query.search.api.SearchFilters;
import io.filestore.query.search.api.SortDirection;
import io.filestore.query.search.api.SortField;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The history projection and its query handler against the real PostgreSQL (a schema of the test's own created
 * from migration V110): a file's events applied as Axon applies them, then questions about instants in between.
 */
class HistoryProjectionTest {

    private static final Instant T = Instant.parse("2026-03-21T10:00:00Z");

    private final UserId alice = new UserId("alice");
    private final UserId bob = new UserId("bob");
    private final UserId carol = new UserId("carol");
    private final FileId file = FileId.random();
    private final BlobId one = new BlobId("a".repeat(64));
    private final BlobId two = new BlobId("b".repeat(64));
    private io.filestore.testsupport.TestServicesSource.PrivateSchema schema;
    private SingleConnectionDataSource dataSource;
    private HistoryProjection projection;
    private HistoryQueryHandler queries;

    @BeforeEach
    void createSchema() throws SQLException {
        schema = io.filestore.testsupport.TestServicesSource.PrivateSchema.migrated("history_test");
        dataSource = schema.dataSource();
        HistoryRepository repository = new HistoryRepository(JdbcClient.create(dataSource));
        projection = new HistoryProjection(repository);
        queries = new HistoryQueryHandler(repository);
    }

    @AfterEach
    void dropSchema() throws SQLException {
        schema.close();
    }

    /** upload @0, version 2 @10, rename and move @20, share bob until @50 @30, group share @35, carol joins @40. */
    private void history() {
        projection.on(new FileUploadedEvent(file, new FileName("a.txt"), MediaType.OCTET_STREAM, 1, one,
                new FileMetadata(null, List.of(), "/docs", Map.of()), alice), 0, T);
        projection.on(new FileVersionAddedEvent(file, 2, two, 2, MediaType.OCTET_STREAM, null, null, "v2", alice),
                1, at(10));
        projection.on(new FileMetadataUpdatedEvent(file, new FileName("b.txt"),
                new FileMetadata("about b", List.of(), "/x", Map.of()), alice), 2, at(20));
        projection.on(new FileSharedEvent(file, "s-bob", Grantee.user(bob), Role.VIEWER, at(50), alice), 3, at(30));
        projection.on(new FileSharedEvent(file, "s-team", new Grantee("group:team"), Role.EDITOR, null, alice), 4,
                at(35));
        projection.on(new UserGroupsSetEvent(carol, Set.of("team"), alice), at(40));
    }

    @Test
    void answersWithTheStateInForceAtEachInstant() {
        history();
        Actor owner = Actor.user(alice);

        assertThat(asOf(owner, at(-1))).isEmpty();
        HistoricFileView first = asOf(owner, at(5)).orElseThrow();
        assertThat(first.file().name().value()).isEqualTo("a.txt");
        assertThat(first.file().version()).isEqualTo(1);
        assertThat(first.file().metadata().folder()).isEqualTo("/docs");
        assertThat(first.role()).isEqualTo(Role.ADMIN);
        assertThat(asOf(owner, at(10)).orElseThrow().file().blobId()).as("valid from the event's instant on")
                .isEqualTo(two);
        HistoricFileView renamed = asOf(owner, at(25)).orElseThrow();
        assertThat(renamed.file().name().value()).isEqualTo("b.txt");
        assertThat(renamed.file().metadata().folder()).isEqualTo("/x");
        assertThat(renamed.file().version()).isEqualTo(2);
        assertThat(queries.handle(new ListVersionsAsOfQuery(file, at(5)))).extracting(FileVersionView::version)
                .containsExactly(1);
        assertThat(queries.handle(new ListVersionsAsOfQuery(file, at(15)))).extracting(FileVersionView::version)
                .containsExactly(2, 1);
        assertThat(list(owner, at(25), filters("/docs", List.of(), null, null), null, null)).isEmpty();
        assertThat(list(owner, at(15), filters("/docs", List.of(), null, null), null, null)).hasSize(1);
    }

    @Test
    void listsWithTheFiltersAndOrderOfTheStateInForceThen() {
        FileId small = FileId.random();
        FileId big = FileId.random();
        projection.on(new FileUploadedEvent(small, new FileName("Zeta.txt"), new MediaType("text/plain"), 10, one,
                new FileMetadata(null, List.of("Draft"), "/w", Map.of()), alice), 0, T);
        projection.on(new FileUploadedEvent(big, new FileName("alpha.png"), new MediaType("image/png"), 1000, two,
                new FileMetadata(null, List.of("final", "q4"), "/w/img", Map.of()), alice), 0, at(1));
        // later: the small file loses its tag and moves, the big one is trashed
        projection.on(new FileMetadataUpdatedEvent(small, new FileName("Zeta.txt"),
                new FileMetadata(null, List.of(), "/other", Map.of()), alice), 1, at(10));
        projection.on(new io.filestore.command.api.FileDeletedEvent(big, alice), 1, at(10));
        Actor owner = Actor.user(alice);

        assertThat(list(owner, at(5), filters(null, List.of("draft"), null, null), null, null))
                .extracting(FileView::fileId).containsExactly(small);
        assertThat(list(owner, at(15), filters(null, List.of("draft"), null, null), null, null)).isEmpty();
        assertThat(list(owner, at(5), filters(null, List.of("FINAL", "q4"), null, null), null, null))
                .extracting(FileView::fileId).containsExactly(big);
        assertThat(list(owner, at(5), filters(null, List.of("final", "draft"), null, null), null, null)).isEmpty();
        assertThat(list(owner, at(5), filters(null, List.of(), "image/*", null), null, null))
                .extracting(FileView::fileId).containsExactly(big);
        assertThat(list(owner, at(5), filters(null, List.of(), "text/plain", null), null, null))
                .extracting(FileView::fileId).containsExactly(small);
        assertThat(list(owner, at(5), filters(null, List.of(), null, 100L), null, null))
                .extracting(FileView::fileId).containsExactly(big);
        assertThat(list(owner, at(5), filters("/w", List.of(), null, null), null, null)).hasSize(2);
        assertThat(list(owner, at(15), filters("/w", List.of(), null, null), null, null)).isEmpty();
        assertThat(list(owner, at(5), SearchFilters.NONE, null, null)).as("newest created first")
                .extracting(FileView::fileId).containsExactly(big, small);
        assertThat(list(owner, at(5), SearchFilters.NONE, SortField.NAME, null)).as("names case-insensitively")
                .extracting(FileView::fileId).containsExactly(big, small);
        assertThat(list(owner, at(5), SearchFilters.NONE, SortField.SIZE, SortDirection.ASC))
                .extracting(FileView::fileId).containsExactly(small, big);
        SearchFilters createdLate = new SearchFilters(List.of(), null, true, null, null, null, at(1), null, null,
                null, null);
        assertThat(list(owner, at(5), createdLate, null, null)).extracting(FileView::fileId).containsExactly(big);
    }

    private List<FileView> list(Actor caller, Instant at, SearchFilters filters, SortField sort,
                                SortDirection direction) {
        return queries.handle(new ListFilesAsOfQuery(caller, at, filters, sort, direction, 0, 10)).files();
    }

    private static SearchFilters filters(String folder, List<String> tags, String mimeType, Long minSize) {
        return new SearchFilters(tags, folder, true, mimeType, minSize, null, null, null, null, null, null);
    }

    @Test
    void aReaderSeesThePastOnlyWhenTheyCouldReadThenAndStillMayNow() {
        history();
        Actor carolNow = new Actor(carol, Set.of("team"), false);

        assertThat(asOf(carolNow, at(37))).as("not yet in the group").isEmpty();
        HistoricFileView member = asOf(carolNow, at(45)).orElseThrow();
        assertThat(member.role()).isEqualTo(Role.EDITOR);
        assertThat(member.file().permissions().grants()).hasSize(2);
        assertThat(asOf(Actor.user(bob), at(40))).as("bob's share has expired since").isEmpty();
        assertThat(asOf(Actor.user(new UserId("mallory")), at(45))).isEmpty();

        projection.on(new UserGroupsSetEvent(carol, Set.of(), alice), at(60));
        assertThat(asOf(new Actor(carol, Set.of(), false), at(45))).as("carol has left the group").isEmpty();
    }

    @Test
    void tellsWhoCouldAccessAndWhy() {
        history();

        List<AccessView> at45 = queries.handle(new FileAccessAtQuery(file, at(45))).entries();
        assertThat(at45).extracting(AccessView::principal, AccessView::reason).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("user:alice", "owner"),
                org.assertj.core.groups.Tuple.tuple("user:bob", "directShare"),
                org.assertj.core.groups.Tuple.tuple("group:team", "groupShare"),
                org.assertj.core.groups.Tuple.tuple("user:carol", "groupShare"));
        assertThat(queries.handle(new FileAccessAtQuery(file, at(55))).entries())
                .extracting(AccessView::principal).doesNotContain("user:bob");
        assertThat(queries.handle(new FileAccessAtQuery(file, at(-1))).existed()).isFalse();

        assertThat(queries.handle(new UserAccessAtQuery(carol, at(45), 0, 10)).files())
                .singleElement().satisfies(f -> {
                    assertThat(f.reason()).isEqualTo("groupShare");
                    assertThat(f.group()).isEqualTo("team");
                    assertThat(f.role()).isEqualTo("editor");
                });
        assertThat(queries.handle(new UserAccessAtQuery(carol, at(37), 0, 10)).files()).isEmpty();
    }

    @Test
    void trashRestoreRevocationAndPurgeAreChangesAndPurgeErasesThePast() {
        history();
        projection.on(new ShareRevokedEvent(file, "s-team", alice), 5, at(70));
        projection.on(new FileDeletedEvent(file, alice), 6, at(80));
        projection.on(new FileRestoredFromTrashEvent(file, alice), 7, at(90));
        Actor owner = Actor.user(alice);

        assertThat(asOf(owner, at(85))).as("in the trash then").isEmpty();
        assertThat(asOf(owner, at(95))).isPresent();
        ChangePage all = queries.handle(new ChangesQuery(owner, at(-1), at(100), null, true, 0, 10));
        assertThat(all.files()).singleElement().satisfies(f -> assertThat(f.kinds()).containsExactly("created",
                "changed", "renamed", "moved", "shared", "unshared", "trashed", "restored"));
        assertThat(queries.handle(new ChangesQuery(owner, at(15), at(30), null, true, 0, 10)).files())
                .singleElement().satisfies(f -> assertThat(f.kinds()).containsExactly("changed", "renamed",
                        "moved", "shared"));
        assertThat(queries.handle(new ChangesQuery(Actor.user(bob), at(-1), at(100), null, true, 0, 10)).total())
                .isZero();

        projection.on(new FilePurgedEvent(file, alice, false), 8, at(100));
        assertThat(asOf(owner, at(25))).isEmpty();
        assertThat(queries.handle(new ChangesQuery(owner, at(-1), at(100), null, true, 0, 10)).files())
                .singleElement().satisfies(f -> {
                    assertThat(f.kinds()).contains("purged");
                    assertThat(f.name()).isNull();
                });
    }

    @Test
    void aRetriedEventChangesNothingAndAResetEmptiesTheViews() {
        history();
        projection.on(new FileMetadataUpdatedEvent(file, new FileName("b.txt"),
                new FileMetadata("about b", List.of(), "/x", Map.of()), alice), 2, at(20));
        projection.on(new FileSharedEvent(file, "s-bob", Grantee.user(bob), Role.VIEWER, at(50), alice), 3, at(30));
        assertThat(queries.handle(new ChangesQuery(Actor.user(alice), at(-1), at(100), null, true, 0, 10)).files()
                .get(0).changes()).hasSize(7);
        assertThat(asOf(Actor.user(alice), at(25)).orElseThrow().file().name().value()).isEqualTo("b.txt");

        projection.reset();
        assertThat(asOf(Actor.user(alice), at(25))).isEmpty();
    }

    private Optional<HistoricFileView> asOf(Actor caller, Instant at) {
        return queries.handle(new FindFileAsOfQuery(file, caller, at));
    }

    private static Instant at(int seconds) {
        return T.plusSeconds(seconds);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
