package io.filestore.api.download;

import io.filestore.api.download.Preconditions.Outcome;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class PreconditionsTest {

    private static final String ETAG = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
    /** Has a sub-second part, which HTTP-dates cannot carry. */
    private static final Instant MODIFIED = Instant.parse("2025-03-04T10:20:30.750Z");
    private static final String MODIFIED_DATE = "Tue, 04 Mar 2025 10:20:30 GMT";
    private static final String EARLIER_DATE = "Tue, 04 Mar 2025 10:20:29 GMT";
    private static final String LATER_DATE = "Tue, 04 Mar 2025 10:20:31 GMT";

    private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/files/1");

    private Outcome evaluate() {
        return Preconditions.evaluate(request, ETAG, MODIFIED);
    }

    @Test
    void proceedsWithoutConditionalFields() {
        assertThat(evaluate()).isEqualTo(Outcome.PROCEED);
    }

    @Nested
    class IfMatch {

        @Test
        void proceedsOnStrongMatch() {
            request.addHeader("If-Match", "\"" + ETAG + "\"");
            assertThat(evaluate()).isEqualTo(Outcome.PROCEED);
        }

        @Test
        void proceedsWhenAnyListMemberMatches() {
            request.addHeader("If-Match", "\"other\", \"" + ETAG + "\"");
            assertThat(evaluate()).isEqualTo(Outcome.PROCEED);
        }

        @Test
        void proceedsWhenMatchIsOnASecondFieldLine() {
            request.addHeader("If-Match", "\"other\"");
            request.addHeader("If-Match", "\"" + ETAG + "\"");
            assertThat(evaluate()).isEqualTo(Outcome.PROCEED);
        }

        @Test
        void proceedsOnWildcard() {
            request.addHeader("If-Match", "*");
            assertThat(evaluate()).isEqualTo(Outcome.PROCEED);
        }

        @Test
        void failsOnOtherTag() {
            request.addHeader("If-Match", "\"other\"");
            assertThat(evaluate()).isEqualTo(Outcome.PRECONDITION_FAILED);
        }

        @Test
        void failsOnWeakTagBecauseComparisonIsStrong() {
            request.addHeader("If-Match", "W/\"" + ETAG + "\"");
            assertThat(evaluate()).isEqualTo(Outcome.PRECONDITION_FAILED);
        }

        @Test
        void failsOnUnquotedTag() {
            request.addHeader("If-Match", ETAG);
            assertThat(evaluate()).isEqualTo(Outcome.PRECONDITION_FAILED);
        }

        @Test
        void takesPrecedenceOverIfUnmodifiedSince() {
            request.addHeader("If-Match", "\"" + ETAG + "\"");
            request.addHeader("If-Unmodified-Since", EARLIER_DATE);
            assertThat(evaluate()).isEqualTo(Outcome.PROCEED);
        }

        @Test
        void failureWinsOverIfNoneMatch() {
            request.addHeader("If-Match", "\"other\"");
            request.addHeader("If-None-Match", "\"" + ETAG + "\"");
            assertThat(evaluate()).isEqualTo(Outcome.PRECONDITION_FAILED);
        }
    }

    @Nested
    class IfUnmodifiedSince {

        @Test
        void proceedsWhenNotModifiedSince() {
            request.addHeader("If-Unmodified-Since", MODIFIED_DATE);
            assertThat(evaluate()).isEqualTo(Outcome.PROCEED);
            request.removeHeader("If-Unmodified-Since");
            request.addHeader("If-Unmodified-Since", LATER_DATE);
            assertThat(evaluate()).isEqualTo(Outcome.PROCEED);
        }

        @Test
        void failsWhenModifiedSince() {
            request.addHeader("If-Unmodified-Since", EARLIER_DATE);
            assertThat(evaluate()).isEqualTo(Outcome.PRECONDITION_FAILED);
        }

        @Test
        void isIgnoredWhenNotADate() {
            request.addHeader("If-Unmodified-Since", "not a date");
            assertThat(evaluate()).isEqualTo(Outcome.PROCEED);
        }

        @Test
        void isIgnoredWhenSentTwice() {
            request.addHeader("If-Unmodified-Since", EARLIER_DATE);
            request.addHeader("If-Unmodified-Since", EARLIER_DATE);
            assertThat(evaluate()).isEqualTo(Outcome.PROCEED);
        }

        @Test
        void failureWinsOverIfNoneMatch() {
            request.addHeader("If-Unmodified-Since", EARLIER_DATE);
            request.addHeader("If-None-Match", "\"" + ETAG + "\"");
            assertThat(evaluate()).isEqualTo(Outcome.PRECONDITION_FAILED);
        }
    }

    @Nested
    class IfNoneMatch {

        @Test
        void answersNotModifiedOnMatch() {
            request.addHeader("If-None-Match", "\"" + ETAG + "\"");
            assertThat(evaluate()).isEqualTo(Outcome.NOT_MODIFIED);
        }

        @Test
        void answersNotModifiedOnWeakMatchBecauseComparisonIsWeak() {
            request.addHeader("If-None-Match", "W/\"" + ETAG + "\"");
            assertThat(evaluate()).isEqualTo(Outcome.NOT_MODIFIED);
        }

        @Test
        void answersNotModifiedWhenAnyListMemberMatches() {
            request.addHeader("If-None-Match", "\"a\", W/\"b\" , \"" + ETAG + "\"");
            assertThat(evaluate()).isEqualTo(Outcome.NOT_MODIFIED);
        }

        @Test
        void answersNotModifiedOnWildcard() {
            request.addHeader("If-None-Match", "*");
            assertThat(evaluate()).isEqualTo(Outcome.NOT_MODIFIED);
        }

        @Test
        void answersNotModifiedForHead() {
            request.setMethod("HEAD");
            request.addHeader("If-None-Match", "\"" + ETAG + "\"");
            assertThat(evaluate()).isEqualTo(Outcome.NOT_MODIFIED);
        }

        @Test
        void failsForOtherMethods() {
            request.setMethod("PUT");
            request.addHeader("If-None-Match", "*");
            assertThat(evaluate()).isEqualTo(Outcome.PRECONDITION_FAILED);
        }

        @Test
        void proceedsWhenNoMemberMatches() {
            request.addHeader("If-None-Match", "\"a\", W/\"b\"");
            assertThat(evaluate()).isEqualTo(Outcome.PROCEED);
        }

        @Test
        void makesIfModifiedSinceIgnored() {
            request.addHeader("If-None-Match", "\"other\"");
            request.addHeader("If-Modified-Since", LATER_DATE);
            assertThat(evaluate()).isEqualTo(Outcome.PROCEED);
        }
    }

    @Nested
    class IfModifiedSince {

        @Test
        void answersNotModifiedWhenNotModifiedSince() {
            request.addHeader("If-Modified-Since", MODIFIED_DATE);
            assertThat(evaluate()).isEqualTo(Outcome.NOT_MODIFIED);
            request.removeHeader("If-Modified-Since");
            request.addHeader("If-Modified-Since", LATER_DATE);
            assertThat(evaluate()).isEqualTo(Outcome.NOT_MODIFIED);
        }

        @Test
        void proceedsWhenModifiedSince() {
            request.addHeader("If-Modified-Since", EARLIER_DATE);
            assertThat(evaluate()).isEqualTo(Outcome.PROCEED);
        }

        @Test
        void acceptsObsoleteDateFormats() {
            request.addHeader("If-Modified-Since", "Tue Mar  4 10:20:30 2025");
            assertThat(evaluate()).isEqualTo(Outcome.NOT_MODIFIED);
        }

        @Test
        void isIgnoredWhenNotADate() {
            request.addHeader("If-Modified-Since", "2025-03-04T10:20:30Z");
            assertThat(evaluate()).isEqualTo(Outcome.PROCEED);
        }

        @Test
        void isIgnoredWhenSentTwice() {
            request.addHeader("If-Modified-Since", LATER_DATE);
            request.addHeader("If-Modified-Since", LATER_DATE);
            assertThat(evaluate()).isEqualTo(Outcome.PROCEED);
        }

        @Test
        void isIgnoredForOtherMethods() {
            request.setMethod("POST");
            request.addHeader("If-Modified-Since", LATER_DATE);
            assertThat(evaluate()).isEqualTo(Outcome.PROCEED);
        }
    }

    @Nested
    class IfRange {

        @Test
        void holdsWithoutIfRange() {
            assertThat(Preconditions.ifRangeHolds(request, ETAG, MODIFIED)).isTrue();
        }

        @Test
        void holdsForSameStrongTag() {
            request.addHeader("If-Range", "\"" + ETAG + "\"");
            assertThat(Preconditions.ifRangeHolds(request, ETAG, MODIFIED)).isTrue();
        }

        @Test
        void failsForOtherTag() {
            request.addHeader("If-Range", "\"other\"");
            assertThat(Preconditions.ifRangeHolds(request, ETAG, MODIFIED)).isFalse();
        }

        @Test
        void failsForWeakTag() {
            request.addHeader("If-Range", "W/\"" + ETAG + "\"");
            assertThat(Preconditions.ifRangeHolds(request, ETAG, MODIFIED)).isFalse();
        }

        @Test
        void holdsForExactlyTheLastModifiedDate() {
            request.addHeader("If-Range", MODIFIED_DATE);
            assertThat(Preconditions.ifRangeHolds(request, ETAG, MODIFIED)).isTrue();
        }

        @Test
        void failsForAnyOtherDate() {
            request.addHeader("If-Range", LATER_DATE);
            assertThat(Preconditions.ifRangeHolds(request, ETAG, MODIFIED)).isFalse();
        }

        @Test
        void failsForGarbageAndLists() {
            request.addHeader("If-Range", "garbage");
            assertThat(Preconditions.ifRangeHolds(request, ETAG, MODIFIED)).isFalse();
            request.removeHeader("If-Range");
            request.addHeader("If-Range", "\"" + ETAG + "\", \"other\"");
            assertThat(Preconditions.ifRangeHolds(request, ETAG, MODIFIED)).isFalse();
            request.removeHeader("If-Range");
            request.addHeader("If-Range", "\"" + ETAG + "\"");
            request.addHeader("If-Range", "\"" + ETAG + "\"");
            assertThat(Preconditions.ifRangeHolds(request, ETAG, MODIFIED)).isFalse();
        }
    }
}
