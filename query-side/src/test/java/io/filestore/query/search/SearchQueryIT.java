package io.filestore.query.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.command.api.FileId;
import io.filestore.command.api.FileMetadata;
import io.filestore.command.api.InvalidValueException;
import io.filestore.command.api.UserId;
import io.filestore.query.search.api.Facet;
import io.filestore.query.search.api.FacetCount;
import io.filestore.query.search.api.FileHit;
import io.filestore.query.search.api.SearchCursor;
import io.filestore.query.search.api.SearchFilesQuery;
import io.filestore.query.search.api.SearchFilters;
import io.filestore.query.search.api.SearchPage;
import io.filestore.query.search.api.SortDirection;
import io.filestore.query.search.api.SortField;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Full text, filters, sorting, paging, facets and permissions of the search view on the real Elasticsearch. */
class SearchQueryIT {

    static SearchFixture f;
    static FileId report;
    static FileId photo;
    static FileId diagram;
    static FileId notes;
    static FileId budget;
    static FileId plan;
    static FileId bobsReport;
    static Instant third;
    static Instant fifth;
    static Instant renamed;

    @BeforeAll
    static void files() throws Exception {
        f = new SearchFixture("query");
        f.manager.ensureReady();
        report = f.upload("alice", "annual_report_2024.pdf", "application/pdf", 1000, "yearly numbers for the board",
                List.of("Finance", "Reports"), "/work/reports");
        photo = f.upload("alice", "holiday-photo.jpg", "image/jpeg", 250_000, "beach in the summer",
                List.of("Photos", "Family"), "/private/photos/2023");
        third = f.tick(0);
        diagram = f.upload("alice", "diagram.png", "image/png", 4000, "architecture report figure", List.of("Work"),
                "/work/design");
        notes = f.upload("alice", "notes.txt", "text/plain; charset=utf-8", 50, null, List.of(), "/");
        fifth = f.tick(1);
        budget = f.upload("bob-not", "placeholder.bin", "application/octet-stream", 1, null, List.of(), "/");
        f.purge(budget, "bob-not");
        budget = f.upload("alice", "Budget Report Q4.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 20_000, "quarterly budget",
                List.of("finance", "Q4"), "/work/reports/2024");
        plan = f.upload("alice", "R&D <plan>.md", "text/markdown", 700, "research & development plan",
                List.of("Work", "Plans"), "/work");
        bobsReport = f.upload("bob", "bob-report.pdf", "application/pdf", 1000, "report of bob", List.of("Finance"),
                "/work/reports");
        renamed = f.tick(5);
        f.rename(notes, "alice", "notes.txt", new FileMetadata("scratch notes", List.of(), "/", Map.of()));
        f.refresh();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        f.close();
    }

    static SearchPage search(String user, String text, SearchFilters filters) {
        return f.search(new SearchFilesQuery(new UserId(user), text, filters, null, null, 0, 100, null, Set.of(), 10));
    }

    static SearchPage list(String user, SearchFilters filters, SortField sort, SortDirection direction) {
        return f.search(new SearchFilesQuery(new UserId(user), null, filters, sort, direction, 0, 100, null, Set.of(),
                10));
    }

    static List<FileId> ids(SearchPage page) {
        return page.hits().stream().map(FileHit::fileId).toList();
    }

    static SearchFilters filters(List<String> tags, String folder, boolean recursive, String mimeType, Long minSize,
                                 Long maxSize) {
        return new SearchFilters(tags, folder, recursive, mimeType, minSize, maxSize, null, null, null, null, null);
    }

    @Nested
    class FullText {

        @Test
        void ranksNameMatchesAboveDescriptionMatches() {
            List<FileId> hits = ids(search("alice", "report", null));

            assertThat(hits).containsExactlyInAnyOrder(report, budget, diagram);
            assertThat(hits.get(2)).isEqualTo(diagram); // "report" only in its description
        }

        @Test
        void toleratesTyposInWordsOfFiveLettersOrMore() {
            assertThat(ids(search("alice", "anual", null))).containsExactly(report);
            assertThat(ids(search("alice", "reprot", null))).contains(report, budget);
            assertThat(ids(search("alice", "holidya", null))).containsExactly(photo);
        }

        @Test
        void doesNotGuessInShortWords() {
            assertThat(ids(search("alice", "nots", null))).isEmpty();
            assertThat(ids(search("alice", "note", null))).containsExactly(notes); // a prefix, not a typo
        }

        @Test
        void matchesPrefixesAsYouType() {
            assertThat(ids(search("alice", "holi", null))).containsExactly(photo);
            assertThat(ids(search("alice", "budget rep", null))).containsExactly(budget);
        }

        @Test
        void splitsNamesOnPunctuation() {
            assertThat(ids(search("alice", "2024", null))).containsExactly(report);
            assertThat(ids(search("alice", "annual_report", null))).containsExactly(report);
        }

        @Test
        void findsWordsAcrossNameDescriptionAndTags() {
            assertThat(ids(search("alice", "beach photo", null))).containsExactly(photo);
            assertThat(ids(search("alice", "family", null))).containsExactly(photo);
        }

        @Test
        void highlightsMatchesHtmlEscaped() {
            FileHit hit = search("alice", "plan", null).hits().get(0);

            assertThat(hit.fileId()).isEqualTo(plan);
            assertThat(hit.highlights().get("name")).containsExactly("R&amp;D &lt;<em>plan</em>&gt;.md");
            assertThat(hit.highlights().get("description").get(0)).contains("<em>plan</em>").contains("&amp;");
            assertThat(hit.score()).isPositive();
        }

        @Test
        void highlightsPrefixAndTypoMatchesInTheName() {
            FileHit hit = search("alice", "anual rep", null).hits().get(0);

            assertThat(hit.highlights().get("name")).containsExactly("<em>annual</em>_<em>report</em>_2024.pdf");
        }
    }

    @Nested
    class Filters {

        @Test
        void tagsMustAllMatchIgnoringCase() {
            assertThat(ids(list("alice", filters(List.of("FINANCE"), null, true, null, null, null), null, null)))
                    .containsExactlyInAnyOrder(report, budget);
            assertThat(ids(list("alice", filters(List.of("finance", "q4"), null, true, null, null, null), null, null)))
                    .containsExactly(budget);
        }

        @Test
        void folderIncludesSubfoldersUnlessNotRecursive() {
            assertThat(ids(list("alice", filters(List.of(), "/work", true, null, null, null), null, null)))
                    .containsExactlyInAnyOrder(report, diagram, budget, plan);
            assertThat(ids(list("alice", filters(List.of(), "/work/", false, null, null, null), null, null)))
                    .containsExactly(plan);
            assertThat(ids(list("alice", filters(List.of(), "/work/reports", true, null, null, null), null, null)))
                    .containsExactlyInAnyOrder(report, budget);
            assertThat(ids(list("alice", filters(List.of(), "/wor", true, null, null, null), null, null))).isEmpty();
            assertThat(ids(list("alice", filters(List.of(), "/", true, null, null, null), null, null))).hasSize(6);
        }

        @Test
        void mimeTypeIsExactOrAWholeType() {
            assertThat(ids(list("alice", filters(List.of(), null, true, "image/*", null, null), null, null)))
                    .containsExactlyInAnyOrder(photo, diagram);
            assertThat(ids(list("alice", filters(List.of(), null, true, "IMAGE/png", null, null), null, null)))
                    .containsExactly(diagram);
            assertThat(ids(list("alice", filters(List.of(), null, true, "text/plain", null, null), null, null)))
                    .containsExactly(notes); // parameters (charset) are not part of the type
        }

        @Test
        void sizeBoundsAreInclusive() {
            assertThat(ids(list("alice", filters(List.of(), null, true, null, 1000L, 20_000L), null, null)))
                    .containsExactlyInAnyOrder(report, diagram, budget);
            assertThat(ids(list("alice", filters(List.of(), null, true, null, 100_000L, null), null, null)))
                    .containsExactly(photo);
            assertThat(ids(list("alice", filters(List.of(), null, true, null, null, 50L), null, null)))
                    .containsExactly(notes);
        }

        @Test
        void createdRangeIncludesItsStartAndExcludesItsEnd() {
            SearchFilters created = new SearchFilters(List.of(), null, true, null, null, null, third.plusSeconds(60),
                    fifth, null, null, null);

            assertThat(ids(list("alice", created, null, null))).containsExactlyInAnyOrder(diagram, notes);
        }

        @Test
        void updatedRangeSeesLaterChanges() {
            SearchFilters updated = new SearchFilters(List.of(), null, true, null, null, null, null, null, renamed,
                    null, null);
            SearchFilters before = new SearchFilters(List.of(), null, true, null, null, null, null, null, null,
                    renamed, null);

            assertThat(ids(list("alice", updated, null, null))).containsExactly(notes);
            assertThat(ids(list("alice", before, null, null))).hasSize(5).doesNotContain(notes);
        }

        @Test
        void ownerNeverWidensWhatTheCallerMayRead() {
            SearchFilters bobs = new SearchFilters(List.of(), null, true, null, null, null, null, null, null, null,
                    new UserId("bob"));
            SearchFilters alices = new SearchFilters(List.of(), null, true, null, null, null, null, null, null, null,
                    new UserId("alice"));

            assertThat(ids(list("alice", bobs, null, null))).isEmpty();
            assertThat(ids(list("alice", alices, null, null))).hasSize(6);
            assertThat(ids(list("bob", bobs, null, null))).containsExactly(bobsReport);
        }

        @Test
        void combinesTextAndEveryFilter() {
            SearchFilters combined = new SearchFilters(List.of("finance"), "/work", true, "application/pdf", 500L,
                    5000L, Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"), null, null,
                    new UserId("alice"));

            assertThat(ids(search("alice", "report", combined))).containsExactly(report);
        }

        @Test
        void rejectsInvalidFiltersNamingTheParameter() {
            assertThatThrownBy(() -> filters(List.of(), null, true, null, -1L, null))
                    .isInstanceOf(InvalidValueException.class).extracting("field").isEqualTo("minSize");
            assertThatThrownBy(() -> filters(List.of(), null, true, null, 10L, 5L))
                    .isInstanceOf(InvalidValueException.class).extracting("field").isEqualTo("maxSize");
            assertThatThrownBy(() -> filters(List.of(), null, true, "image", null, null))
                    .isInstanceOf(InvalidValueException.class).extracting("field").isEqualTo("mimeType");
            assertThatThrownBy(() -> filters(List.of(), "/a/../b", true, null, null, null))
                    .isInstanceOf(InvalidValueException.class).extracting("field").isEqualTo("folder");
        }
    }

    @Nested
    class Permissions {

        @Test
        void anotherUsersFilesNeverAppear() {
            assertThat(ids(search("alice", "bob", null))).isEmpty();
            assertThat(ids(search("alice", "report", null))).doesNotContain(bobsReport);
            assertThat(ids(search("bob", "report", null))).containsExactly(bobsReport);
            assertThat(ids(search("mallory", "report", null))).isEmpty();
        }
    }

    @Nested
    class Sorting {

        @Test
        void byNameIgnoringCase() {
            List<String> names = list("alice", null, SortField.NAME, SortDirection.ASC).hits().stream()
                    .map(h -> h.name().value()).toList();
            List<String> descending = list("alice", null, SortField.NAME, SortDirection.DESC).hits().stream()
                    .map(h -> h.name().value()).toList();

            assertThat(names).containsExactly("annual_report_2024.pdf", "Budget Report Q4.xlsx", "diagram.png",
                    "holiday-photo.jpg", "notes.txt", "R&D <plan>.md");
            List<String> reversed = new ArrayList<>(names);
            java.util.Collections.reverse(reversed);
            assertThat(descending).isEqualTo(reversed);
        }

        @Test
        void bySize() {
            assertThat(list("alice", null, SortField.SIZE, SortDirection.DESC).hits().stream().map(FileHit::size))
                    .containsExactly(250_000L, 20_000L, 4000L, 1000L, 700L, 50L);
            assertThat(list("alice", null, SortField.SIZE, SortDirection.ASC).hits().get(0).fileId()).isEqualTo(notes);
        }

        @Test
        void byCreationAndUpdateTime() {
            assertThat(ids(list("alice", null, SortField.CREATED_AT, SortDirection.ASC)))
                    .containsExactly(report, photo, diagram, notes, budget, plan);
            assertThat(ids(list("alice", null, null, null)))
                    .containsExactly(plan, budget, notes, diagram, photo, report); // newest first by default
            assertThat(ids(list("alice", null, SortField.UPDATED_AT, SortDirection.DESC)).get(0)).isEqualTo(notes);
        }
    }

    @Nested
    class Paging {

        @Test
        void cursorPagesCoverEveryHitOnceInEveryOrder() {
            String user = "carol-" + System.nanoTime();
            Set<FileId> all = new HashSet<>();
            for (int i = 0; i < 27; i++) {
                all.add(f.upload(user, "page-" + (i % 7) + ".txt", "text/plain", i % 3, null, List.of("t" + (i % 2)),
                        "/p"));
            }
            f.tick(1);
            try {
                f.refresh();
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            for (SortField sort : List.of(SortField.NAME, SortField.SIZE, SortField.CREATED_AT, SortField.UPDATED_AT)) {
                for (SortDirection direction : SortDirection.values()) {
                    List<FileId> seen = new ArrayList<>();
                    SearchCursor cursor = null;
                    int pages = 0;
                    do {
                        SearchPage page = f.search(new SearchFilesQuery(new UserId(user), null, null, sort, direction,
                                0, 10, cursor, Set.of(), 10));
                        seen.addAll(ids(page));
                        cursor = page.next() == null ? null : SearchCursor.decode(page.next().encode());
                        pages++;
                        assertThat(page.total()).isEqualTo(27);
                    } while (cursor != null);

                    assertThat(pages).as(sort + " " + direction).isEqualTo(3);
                    assertThat(seen).as(sort + " " + direction).hasSize(27).doesNotHaveDuplicates()
                            .containsExactlyInAnyOrderElementsOf(all);
                }
            }
        }

        @Test
        void relevanceOrderPagesWithACursorToo() {
            List<FileId> first = ids(f.search(new SearchFilesQuery(new UserId("alice"), "report", null, null, null, 0,
                    2, null, Set.of(), 10)));
            SearchPage page = f.search(new SearchFilesQuery(new UserId("alice"), "report", null, null, null, 0, 2,
                    null, Set.of(), 10));
            SearchPage second = f.search(new SearchFilesQuery(new UserId("alice"), "report", null, null, null, 0, 2,
                    page.next(), Set.of(), 10));

            assertThat(first).hasSize(2);
            assertThat(ids(second)).containsExactly(diagram);
            assertThat(second.next()).isNull();
        }

        @Test
        void offsetPagesAreTheSameAsCursorPages() {
            List<FileId> byOffset = new ArrayList<>();
            for (int offset = 0; offset < 6; offset += 2) {
                byOffset.addAll(ids(f.search(new SearchFilesQuery(new UserId("alice"), null, null, SortField.NAME,
                        null, offset, 2, null, Set.of(), 10))));
            }

            assertThat(byOffset).isEqualTo(ids(list("alice", null, SortField.NAME, null)));
        }

        @Test
        void rejectsPagesBeyondTheWindowAndForeignCursors() {
            assertThatThrownBy(() -> new SearchFilesQuery(new UserId("alice"), null, null, null, null, 9_990, 20, null,
                    Set.of(), 10)).isInstanceOf(InvalidValueException.class).extracting("field").isEqualTo("offset");
            assertThatThrownBy(() -> new SearchFilesQuery(new UserId("alice"), null, null, null, null, 0, 101, null,
                    Set.of(), 10)).isInstanceOf(InvalidValueException.class).extracting("field").isEqualTo("limit");
            SearchCursor byName = new SearchCursor(SortField.NAME, SortDirection.ASC, "a", report);
            assertThatThrownBy(() -> new SearchFilesQuery(new UserId("alice"), null, null, SortField.SIZE, null, 0,
                    20, byName, Set.of(), 10)).isInstanceOf(InvalidValueException.class).extracting("field")
                    .isEqualTo("cursor");
            assertThatThrownBy(() -> SearchCursor.decode("bm90IGEgY3Vyc29y")).isInstanceOf(InvalidValueException.class);
        }
    }

    @Nested
    class Facets {

        @Test
        void countsTagsMediaTypesAndFoldersOfTheMatches() {
            SearchPage page = f.search(new SearchFilesQuery(new UserId("alice"), null,
                    filters(List.of(), "/work", true, null, null, null), null, null, 0, 1, null,
                    EnumSet.allOf(Facet.class), 10));

            assertThat(page.facets().get(Facet.TAGS)).contains(new FacetCount("finance", 2),
                    new FacetCount("work", 2), new FacetCount("q4", 1));
            assertThat(page.facets().get(Facet.MIME_TYPE)).containsExactlyInAnyOrder(
                    new FacetCount("application/pdf", 1), new FacetCount("image/png", 1),
                    new FacetCount("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 1),
                    new FacetCount("text/markdown", 1));
            assertThat(page.facets().get(Facet.FOLDER)).containsExactlyInAnyOrder(
                    new FacetCount("/work/reports", 1), new FacetCount("/work/design", 1),
                    new FacetCount("/work/reports/2024", 1), new FacetCount("/work", 1));
            assertThat(page.hits()).hasSize(1);
            assertThat(page.total()).isEqualTo(4);
        }
    }
}
