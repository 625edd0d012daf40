package io.filestore.query.search.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.command.api.FileId;
import io.filestore.command.api.InvalidValueException;
import io.filestore.command.api.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SearchQueryRecordsTest {

    static final UserId ALICE = new UserId("alice");

    @Test
    void cursorsSurviveTheRoundTripForEverySortValueType() {
        FileId id = FileId.random();
        for (SearchCursor cursor : List.of(new SearchCursor(SortField.RELEVANCE, SortDirection.DESC, 1.25d, id),
                new SearchCursor(SortField.NAME, SortDirection.ASC, "ä \"quoted\"", id),
                new SearchCursor(SortField.SIZE, SortDirection.DESC, Long.MAX_VALUE, id),
                new SearchCursor(SortField.CREATED_AT, SortDirection.ASC, 1_700_000_000_000L, id))) {
            String encoded = cursor.encode();

            assertThat(encoded).matches("[A-Za-z0-9_-]+");
            assertThat(SearchCursor.decode(encoded)).isEqualTo(cursor);
        }
    }

    @Test
    void rejectsForgedCursors() {
        assertThatThrownBy(() -> SearchCursor.decode("!!")).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> SearchCursor.decode("WyIxIiwic2l6ZSIsIkFTQyIsImEiLCJ4Il0"))
                .isInstanceOf(InvalidValueException.class).extracting("field").isEqualTo("cursor");
        assertThatThrownBy(() -> new SearchCursor(SortField.SIZE, SortDirection.ASC, "text", FileId.random()))
                .isInstanceOf(InvalidValueException.class);
    }

    @Test
    void defaultsToRelevanceWithTextAndNewestFirstWithout() {
        SearchFilesQuery search = new SearchFilesQuery(ALICE, " report ", null, null, null, 0, 20, null, Set.of(), 10);
        SearchFilesQuery listing = new SearchFilesQuery(ALICE, null, null, null, null, 0, 20, null, Set.of(), 10);

        assertThat(search.text()).isEqualTo("report");
        assertThat(search.sort()).isEqualTo(SortField.RELEVANCE);
        assertThat(search.direction()).isEqualTo(SortDirection.DESC);
        assertThat(listing.sort()).isEqualTo(SortField.CREATED_AT);
        assertThat(listing.filters()).isEqualTo(SearchFilters.NONE);
    }

    @Test
    void namesTheParameterOfEveryInvalidValue() {
        assertField(() -> new SearchFilesQuery(ALICE, "x".repeat(257), null, null, null, 0, 20, null, Set.of(), 10),
                "q");
        assertField(() -> new SearchFilesQuery(ALICE, null, null, SortField.RELEVANCE, null, 0, 20, null, Set.of(),
                10), "sort");
        assertField(() -> new SearchFilesQuery(ALICE, null, null, null, null, -1, 20, null, Set.of(), 10), "offset");
        assertField(() -> new SearchFilesQuery(ALICE, null, null, null, null, 0, 0, null, Set.of(), 10), "limit");
        assertField(() -> new SearchFilesQuery(ALICE, null, null, null, null, 0, 20, null, Set.of(), 101),
                "facetSize");
        assertField(() -> new SearchFilters(List.of(""), null, true, null, null, null, null, null, null, null, null),
                "tags");
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        assertField(() -> new SearchFilters(List.of(), null, true, null, null, null, t, t, null, null, null),
                "createdBefore");
        assertField(() -> new SearchFilters(List.of(), null, true, null, null, null, null, null, t, t, null),
                "updatedBefore");
    }

    @Test
    void normalizesFoldersAndMediaTypes() {
        SearchFilters filters = new SearchFilters(null, "a//b/", false, " Image/* ", null, null, null, null, null,
                null, null);

        assertThat(filters.folder()).isEqualTo("/a/b");
        assertThat(filters.mimeType()).isEqualTo("image/*");
        assertThat(filters.mimeTypePrefix()).isEqualTo("image/");
        assertThat(filters.isEmpty()).isFalse();
        assertThat(SearchFilters.NONE.isEmpty()).isTrue();
    }

    private static void assertField(Runnable action, String field) {
        assertThatThrownBy(action::run).isInstanceOf(InvalidValueException.class).extracting("field")
                .isEqualTo(field);
    }
}
