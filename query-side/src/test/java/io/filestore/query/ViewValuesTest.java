package io.filestore.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ViewValuesTest {

    @Test
    void dropsNulFromText() {
        assertThat(ViewValues.text("a\u0000b\u0000")).isEqualTo("ab");
        assertThat(ViewValues.text("plain")).isEqualTo("plain");
        assertThat(ViewValues.text(null)).isNull();
    }

    @Test
    void dropsNulEscapesFromJsonButKeepsAnEscapedBackslashFollowedByU0000() {
        assertThat(ViewValues.json("{\"k\":\"v\\u0000w\"}")).isEqualTo("{\"k\":\"vw\"}");
        assertThat(ViewValues.json("{\"k\":\"\\\\u0000\"}")).isEqualTo("{\"k\":\"\\\\u0000\"}");
        assertThat(ViewValues.json("{\"k\":\"\\\\\\u0000\"}")).isEqualTo("{\"k\":\"\\\\\"}");
        assertThat(ViewValues.json(null)).isNull();
    }

    @Test
    void clampsInstantsToYearsOneToNineThousandNineHundredNinetyNine() {
        Instant far = Instant.parse("+1000000000-12-31T23:59:59Z");
        assertThat(ViewValues.instant(far)).isEqualTo(ViewValues.MAX_INSTANT);
        assertThat(ViewValues.instant(Instant.MIN)).isEqualTo(ViewValues.MIN_INSTANT);
        assertThat(ViewValues.instant(Instant.EPOCH.plusSeconds(1_000_000_000_000L))).isEqualTo(ViewValues.MAX_INSTANT);
        Instant now = Instant.now();
        assertThat(ViewValues.instant(now)).isEqualTo(now);
        assertThat(ViewValues.timestamp(far).toInstant()).isEqualTo(ViewValues.MAX_INSTANT);
        assertThat(ViewValues.timestamp(null)).isNull();
    }
}
