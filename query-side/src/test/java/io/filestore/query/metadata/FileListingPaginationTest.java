package io.filestore.query.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.command.api.BlobId;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.FileName;
import io.filestore.command.api.FilePermissions;
import io.filestore.command.api.Grantee;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.Role;
import io.filestore.command.api.UserId;
import io.filestore.query.metadata.api.FilePage;
import io.filestore.query.metadata.api.FileView;
import io.filestore.query.metadata.api.ListingPaging;
import io.filestore.query.metadata.api.ListingPosition;
import io.filestore.testsupport.TestServicesSource.PrivateSchema;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The live, trash and shared-with listings against the real PostgreSQL: walking a listing by its keyset position
 * returns every file exactly once in the listing's order, also when many files share the sort timestamp and when
 * files arrive between pages; totals are exact up to the limit and a flagged estimate beyond it.
 */
class FileListingPaginationTest {

    private static final Instant T = Instant.parse("2026-03-21T10:00:00.123456Z");
    private static final Comparator<FileView> NEWEST_CREATED_FIRST = Comparator
            .comparing(FileView::createdAt).thenComparing(f -> java.util.UUID.fromString(f.fileId().value()),
                    FileListingPaginationTest::compareAsPostgres).reversed();

    private final UserId alice = new UserId("alice");
    private final UserId bob = new UserId("bob");
    private PrivateSchema schema;
    private FileMetadataRepository repository;

    @BeforeEach
    void createSchema() throws SQLException {
        schema = PrivateSchema.migrated("listing_test");
        repository = new FileMetadataRepository(JdbcClient.create(schema.dataSource()));
    }

    @AfterEach
    void dropSchema() throws SQLException {
        schema.close();
    }

    @Test
    void walksEveryLiveFileOnceWhenTimestampsTieAndFilesArriveBetweenPages() {
        List<FileView> files = new ArrayList<>();
        for (int i = 0; i < 61; i++) {
            files.add(file(alice, T.plusSeconds(i / 8))); // eight files per timestamp
        }
        files.add(file(bob, T)); // another owner's file never shows
        files.forEach(repository::insertFile);

        List<FileView> seen = new ArrayList<>();
        List<FileView> addedBehind = new ArrayList<>();
        ListingPaging paging = ListingPaging.first(7, 1000);
        int pages = 0;
        while (true) {
            FilePage page = repository.listLive(alice, paging);
            seen.addAll(page.files());
            pages++;
            assertThat(page.total()).isEqualTo(61 + addedBehind.size() + pages - 1);
            assertThat(page.totalExact()).isTrue();
            // between pages: one file newer than everything (before the walk's position: not in it) and, from the
            // second page on, one with the timestamp of the page's last file (after it or before it by id)
            repository.insertFile(file(alice, T.plusSeconds(3600 + pages)));
            if (page.next() == null) {
                break;
            }
            FileView tied = file(alice, page.next().at());
            repository.insertFile(tied);
            if (compareAsPostgres(java.util.UUID.fromString(tied.fileId().value()),
                    java.util.UUID.fromString(page.next().fileId().value())) < 0) {
                addedBehind.add(tied); // sorts after the position: the walk must reach it
            } else {
                addedBehind.add(null); // counted in the total, sorts before the position: not in the walk
            }
            paging = new ListingPaging(0, page.next(), 7, 1000);
        }
        List<FileView> expected = new ArrayList<>(files.subList(0, 61));
        addedBehind.stream().filter(java.util.Objects::nonNull).forEach(expected::add);
        expected.sort(NEWEST_CREATED_FIRST);
        assertThat(ids(seen)).doesNotHaveDuplicates().containsExactlyElementsOf(ids(expected));
    }

    @Test
    void answersTheSamePagesByOffsetAndByPosition() {
        for (int i = 0; i < 23; i++) {
            repository.insertFile(file(alice, T.plusSeconds(i / 4)));
        }
        FilePage first = repository.listLive(alice, ListingPaging.first(10, 1000));
        FilePage byOffset = repository.listLive(alice, new ListingPaging(10, null, 10, 1000));
        FilePage byPosition = repository.listLive(alice, new ListingPaging(0, first.next(), 10, 1000));
        assertThat(ids(byPosition.files())).containsExactlyElementsOf(ids(byOffset.files()));
        assertThat(byOffset.next()).isEqualTo(byPosition.next()).isNotNull();

        FilePage last = repository.listLive(alice, new ListingPaging(0, byPosition.next(), 10, 1000));
        assertThat(last.files()).hasSize(3);
        assertThat(last.next()).isNull();
        assertThat(last.total()).isEqualTo(23);
        FilePage lastByOffset = repository.listLive(alice, new ListingPaging(20, null, 10, 1000));
        assertThat(lastByOffset.total()).isEqualTo(23);
        assertThat(lastByOffset.next()).isNull();
        FilePage beyond = repository.listLive(alice, new ListingPaging(50, null, 10, 1000));
        assertThat(beyond.files()).isEmpty();
        assertThat(beyond.total()).isEqualTo(23);
    }

    @Test
    void countsExactlyUpToTheLimitAndEstimatesBeyondIt() throws SQLException {
        for (int i = 0; i < 30; i++) {
            repository.insertFile(file(alice, T.plusMillis(i)));
        }
        FilePage exact = repository.listLive(alice, ListingPaging.first(5, 30));
        assertThat(exact.total()).isEqualTo(30);
        assertThat(exact.totalExact()).isTrue();

        schema.execute("ANALYZE file_view");
        FilePage estimated = repository.listLive(alice, ListingPaging.first(5, 12));
        assertThat(estimated.totalExact()).isFalse();
        assertThat(estimated.total()).isBetween(25L, 35L); // the planner's estimate, not just the floor of 13
        assertThat(estimated.files()).hasSize(5);
        assertThat(estimated.next()).isNotNull();

        FilePage none = repository.listLive(bob, ListingPaging.first(5, 0));
        assertThat(none.total()).isZero();
        assertThat(none.totalExact()).isTrue();
    }

    @Test
    void takesTheEstimateWithoutCountingWhenTheStatisticsPutTheListingFarBeyondTheLimit() throws SQLException {
        schema.execute("ALTER TABLE file_view SET (autovacuum_enabled = false)"); // statistics change only below
        schema.execute("""
                INSERT INTO file_view (file_id, owner_id, name, media_type, size, blob_sha256, version, aggregate_seq,
                                       created_at, updated_at, content_updated_at)
                SELECT gen_random_uuid(), 'alice', 'f.txt', 'text/plain', 1, repeat('a', 64), 1, 0,
                       TIMESTAMPTZ '2026-03-21 10:00:00Z' + i * INTERVAL '1 second',
                       TIMESTAMPTZ '2026-03-21 10:00:00Z', TIMESTAMPTZ '2026-03-21 10:00:00Z'
                FROM generate_series(1, 1200) AS i
                """, "ANALYZE file_view");
        FilePage first = repository.listLive(alice, ListingPaging.first(5, 100));
        assertThat(first.totalExact()).isFalse();
        assertThat(first.total()).isBetween(1100L, 1300L);

        // most files go, the statistics still count them: the next page answers the (stale) estimate; counted, the
        // 61 files left would be under the limit of 100 and exact
        schema.execute("DELETE FROM file_view WHERE created_at < TIMESTAMPTZ '2026-03-21 10:19:00Z'");
        FilePage next = repository.listLive(alice, new ListingPaging(0, first.next(), 5, 100));
        assertThat(next.totalExact()).isFalse();
        assertThat(next.total()).isBetween(1100L, 1300L);
        // with a limit the estimate does not clearly exceed, the listing is counted exactly
        FilePage counted = repository.listLive(alice, new ListingPaging(0, first.next(), 5, 1000));
        assertThat(counted.totalExact()).isTrue();
        assertThat(counted.total()).isEqualTo(1200 - 18 * 60 - 59);
    }

    @Test
    void walksTheTrashByDeletionTimeWithTies() {
        List<FileView> trashed = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            FileView file = file(alice, T.plusSeconds(i));
            repository.insertFile(file);
            if (i % 4 != 0) {
                Instant deletedAt = T.plusSeconds(100 + i / 5);
                repository.markDeleted(file.fileId(), 1, alice, deletedAt);
                trashed.add(withDeletedAt(file, deletedAt));
            }
        }
        List<FileView> seen = walk(paging -> repository.listTrash(alice, paging), 4);
        trashed.sort(Comparator.comparing(FileView::deletedAt)
                .thenComparing(f -> java.util.UUID.fromString(f.fileId().value()),
                        FileListingPaginationTest::compareAsPostgres).reversed());
        assertThat(ids(seen)).containsExactlyElementsOf(ids(trashed));
        assertThat(repository.listLive(alice, ListingPaging.first(100, 100)).total()).isEqualTo(5);
    }

    @Test
    void walksTheFilesSharedWithTheCallerOrItsGroups() {
        List<FileView> shared = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            FileView file = file(alice, T.plusSeconds(i / 3));
            repository.insertFile(file);
            if (i % 3 == 0) {
                repository.insertAccess(file.fileId(), "s" + i, Grantee.user(bob), Role.VIEWER, null);
                shared.add(file);
            } else if (i % 3 == 1) {
                repository.insertAccess(file.fileId(), "s" + i, new Grantee("group:staff"), Role.VIEWER, null);
                repository.insertAccess(file.fileId(), "t" + i, Grantee.user(bob), Role.EDITOR, null);
                shared.add(file);
            }
        }
        List<FileView> seen = walk(paging -> repository.listSharedWith(Set.of("user:bob", "group:staff"), paging), 3);
        shared.sort(NEWEST_CREATED_FIRST); // updatedAt == createdAt here
        assertThat(ids(seen)).doesNotHaveDuplicates().containsExactlyElementsOf(ids(shared));
    }

    @Test
    void refusesAPageAtAnOffsetAndAfterAPosition() {
        ListingPosition position = new ListingPosition(T, FileId.random());
        assertThatThrownBy(() -> new ListingPaging(5, position, 10, 100))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<FileView> walk(Function<ListingPaging, FilePage> listing, int limit) {
        List<FileView> seen = new ArrayList<>();
        ListingPaging paging = ListingPaging.first(limit, 1000);
        for (int pages = 0; pages < 1000; pages++) {
            FilePage page = listing.apply(paging);
            seen.addAll(page.files());
            if (page.next() == null) {
                return seen;
            }
            paging = new ListingPaging(0, page.next(), limit, 1000);
        }
        throw new AssertionError("the walk does not end");
    }

    private static FileView file(UserId owner, Instant createdAt) {
        return new FileView(FileId.random(), owner, new FileName("f.txt"), new MediaType("text/plain"), 1,
                new BlobId("a".repeat(64)), 1, FileMetadata.EMPTY, createdAt, createdAt, createdAt, null, 0,
                new FilePermissions(owner, List.of()));
    }

    private static FileView withDeletedAt(FileView f, Instant deletedAt) {
        return new FileView(f.fileId(), f.owner(), f.name(), f.mediaType(), f.size(), f.blobId(), f.version(),
                f.metadata(), f.createdAt(), deletedAt, f.contentUpdatedAt(), deletedAt, 1, f.permissions());
    }

    private static List<String> ids(List<FileView> files) {
        return files.stream().map(f -> f.fileId().value()).toList();
    }

    /** PostgreSQL orders uuids by their bytes, unsigned; {@link java.util.UUID#compareTo} compares signed longs. */
    private static int compareAsPostgres(java.util.UUID a, java.util.UUID b) {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }
}
