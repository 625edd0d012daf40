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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ScriptUtils;

/**
 * The history projection and its query handler against the real PostgreSQL (a schema of the test's own created
 * from migration V110): a file's events applied as Axon applies them, then questions about instants in between.
 */
class HistoryProjectionTest {

    private static final Instant T = Instant.parse("2026-03-21T10:00:00Z");

    private final String schema = "history_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final UserId alice = new UserId("alice");
    private final UserId bob = new UserId("bob");
    private final UserId carol = new UserId("carol");
    private final FileId file = FileId.random();
    private final BlobId one = new BlobId("a".repeat(64));
    private final BlobId two = new BlobId("b".repeat(64));
    private SingleConnectionDataSource dataSource;
    private HistoryProjection projection;
    private HistoryQueryHandler queries;

    @BeforeEach
    void createSchema() throws SQLException {
        String url = io.filestore.testsupport.TestServicesSource.services().jdbcUrl();
        String user = io.filestore.testsupport.TestServicesSource.services().user();
        String password = io.filestore.testsupport.TestServicesSource.services().password();
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        dataSource = new SingleConnectionDataSource(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                user, password, true);
        try (Connection c = dataSource.getConnection()) {
            ScriptUtils.executeSqlScript(c, new ClassPathResource("db/migration/V110__history_views.sql"));
        }
        HistoryRepository repository = new HistoryRepository(JdbcClient.create(dataSource));
        projection = new HistoryProjection(repository);
        queries = new HistoryQueryHandler(repository);
    }

    @AfterEach
    void dropSchema() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
        dataSource.destroy();
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
        assertThat(queries.handle(new ListFilesAsOfQuery(owner, at(25), "/docs", true, 0, 10)).files()).isEmpty();
        assertThat(queries.handle(new ListFilesAsOfQuery(owner, at(15), "/docs", true, 0, 10)).files()).hasSize(1);
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
