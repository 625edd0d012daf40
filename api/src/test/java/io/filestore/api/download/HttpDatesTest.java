package io.filestore.api.download;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class HttpDatesTest {

    private static final Instant NOV_6_1994 = Instant.parse("1994-11-06T08:49:37Z");

    @Test
    void formatsImfFixdateWithTwoDigitDayAndWholeSeconds() {
        assertThat(HttpDates.format(Instant.parse("1994-11-06T08:49:37.999Z"))).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    }

    @Test
    void parsesAllThreeFormats() {
        assertThat(HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT")).contains(NOV_6_1994);
        assertThat(HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT", Instant.parse("2026-01-01T00:00:00Z")))
                .contains(NOV_6_1994);
        assertThat(HttpDates.parse("Sun Nov  6 08:49:37 1994")).contains(NOV_6_1994);
    }

    @Test
    void placesTwoDigitYearsWithinFiftyYearsAhead() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(HttpDates.parse("Monday, 01-Jan-70 00:00:00 GMT", now)).contains(Instant.parse("2070-01-01T00:00:00Z"));
        assertThat(HttpDates.parse("Friday, 01-Jan-99 00:00:00 GMT", now)).contains(Instant.parse("1999-01-01T00:00:00Z"));
    }

    @Test
    void roundTrips() {
        Instant t = Instant.parse("2025-02-03T04:05:06Z");
        assertThat(HttpDates.parse(HttpDates.format(t))).contains(t);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "06 Nov 1994 08:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT", "1994-11-06T08:49:37Z"})
    void rejectsWhatIsNotAnHttpDate(String value) {
        assertThat(HttpDates.parse(value)).isEmpty();
    }
}
