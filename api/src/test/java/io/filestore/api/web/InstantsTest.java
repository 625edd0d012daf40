package io.filestore.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InstantsTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final Duration TEN_YEARS = Duration.ofDays(3650);

    @Test
    void expiryInSecondsOrAsAnInstant() {
        assertThat(Instants.expiry(null, 60L, TEN_YEARS, NOW)).isEqualTo(NOW.plusSeconds(60));
        assertThat(Instants.expiry("2027-01-01T00:00:00+01:00", null, TEN_YEARS, NOW))
                .isEqualTo(Instant.parse("2026-12-31T23:00:00Z"));
        assertThat(Instants.expiry(null, null, TEN_YEARS, NOW)).isNull();
    }

    @Test
    void expiryMustBeAheadButNotTooFar() {
        assertThatThrownBy(() -> Instants.expiry(null, 0L, TEN_YEARS, NOW)).hasMessageContaining("between 1");
        assertThatThrownBy(() -> Instants.expiry(null, 1_000_000_000_000L, TEN_YEARS, NOW))
                .isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> Instants.expiry("2026-12-04T11:59:59Z", null, TEN_YEARS, NOW))
                .hasMessageContaining("future");
        assertThatThrownBy(() -> Instants.expiry("2036-12-31T00:00:00Z", null, TEN_YEARS, NOW))
                .hasMessageContaining("3650 days");
        assertThatThrownBy(() -> Instants.expiry("+1000000000-12-31T23:59:59Z", null, TEN_YEARS, NOW))
                .isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> Instants.expiry("2027-01-01T00:00:00Z", 5L, TEN_YEARS, NOW))
                .hasMessageContaining("not both");
    }

    @Test
    void filtersLieInTheYears1To9999() {
        assertThat(Instants.filter("from", "2024-05-01", true)).isEqualTo(Instant.parse("2024-05-01T00:00:00Z"));
        assertThat(Instants.filter("from", "0001-01-01T00:00:00Z", false)).isEqualTo(Instants.MIN_FILTER);
        for (String bad : new String[]{"-999999999-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
                "+1000000000-12-31T23:59:59Z", "0000-12-31T23:59:59Z", "yesterday"}) {
            assertThatThrownBy(() -> Instants.filter("from", bad, true)).as(bad)
                    .isInstanceOf(BadRequestException.class)
                    .satisfies(e -> assertThat(((BadRequestException) e).parameter()).isEqualTo("from"));
        }
    }
}
