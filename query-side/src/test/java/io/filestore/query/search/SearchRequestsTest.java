package io.filestore.query.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.command.api.UserId;
import io.filestore.query.search.api.SearchFilesQuery;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SearchRequestsTest {

    private static SearchFilesQuery page(int offset, int limit) {
        return new SearchFilesQuery(new UserId("alice"), "a", null, null, null, offset, limit, null, Set.of(), 10);
    }

    @Test
    void asksForOneHitMoreThanThePageToKnowWhetherAnotherFollows() {
        assertThat(SearchRequests.pageSize(page(0, 20))).isEqualTo(21);
        assertThat(SearchRequests.pageSize(page(9_800, 100))).isEqualTo(101);
    }

    @Test
    void staysInsideElasticsearchsResultWindowOnItsLastPage() {
        // from + size may not pass 10,000: offset=9900&limit=100 used to ask for 101 and was refused (a 500)
        assertThat(SearchRequests.pageSize(page(9_900, 100))).isEqualTo(100);
        assertThat(SearchRequests.pageSize(page(9_999, 1))).isEqualTo(1);
        assertThat(9_900 + SearchRequests.pageSize(page(9_900, 100))).isLessThanOrEqualTo(SearchFilesQuery.MAX_WINDOW);
    }
}
