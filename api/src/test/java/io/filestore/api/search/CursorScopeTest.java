package io.filestore.api.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.api.web.BadRequestException;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class CursorScopeTest {

    private static String issuedFor(MockHttpServletRequest request) {
        return CursorScope.encode(request, "position-1");
    }

    private static MockHttpServletRequest filtered() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/files");
        request.addParameter("tags", "a", "b");
        request.addParameter("sort", "name:asc");
        request.addParameter("limit", "5");
        return request;
    }

    @Test
    void aCursorSentAloneBringsItsFiltersBack() {
        MockHttpServletRequest next = new MockHttpServletRequest("GET", "/api/files");
        next.addParameter("cursor", issuedFor(filtered()));
        next.addParameter("limit", "7");

        HttpServletRequest scoped = CursorScope.apply(next);

        assertThat(scoped.getParameterValues("tags")).containsExactly("a", "b");
        assertThat(scoped.getParameter("sort")).isEqualTo("name:asc");
        assertThat(scoped.getParameter("limit")).isEqualTo("7");
        assertThat(scoped.getParameter("cursor")).isEqualTo("position-1");
    }

    @Test
    void aCursorSentWithItsOwnFiltersIsAccepted() {
        MockHttpServletRequest next = filtered();
        next.addParameter("cursor", issuedFor(filtered()));
        assertThat(CursorScope.apply(next).getParameter("cursor")).isEqualTo("position-1");
    }

    @Test
    void aCursorSentWithOtherFiltersIsRefused() {
        MockHttpServletRequest next = new MockHttpServletRequest("GET", "/api/files");
        next.addParameter("tags", "a");
        next.addParameter("cursor", issuedFor(filtered()));
        assertThatThrownBy(() -> CursorScope.apply(next)).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("tags");
    }

    @Test
    void aCursorWithoutFiltersDoesNotTakeNewOnes() {
        MockHttpServletRequest next = new MockHttpServletRequest("GET", "/api/files");
        next.addParameter("folder", "/x");
        next.addParameter("cursor", issuedFor(new MockHttpServletRequest("GET", "/api/files")));
        assertThatThrownBy(() -> CursorScope.apply(next)).isInstanceOf(BadRequestException.class);
    }

    @Test
    void aBarePositionIsLeftAsItIs() {
        MockHttpServletRequest next = new MockHttpServletRequest("GET", "/api/files");
        next.addParameter("cursor", "not-a-cursor");
        assertThat(CursorScope.apply(next)).isSameAs(next);
    }
}
