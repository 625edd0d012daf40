package io.filestore.api.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The notices of applied events travel in NOTIFY payloads that PostgreSQL accepts, and come back unchanged. */
class AppliedNoticeTest {

    @Test
    void aFewNoticesTravelInOnePayloadAndComeBackUnchanged() {
        List<AppliedNotice> notices = List.of(new AppliedNotice("metadata", "f-1", 0),
                new AppliedNotice("search", "f-1", 3), new AppliedNotice("users", "ünïcode-user", 12));

        List<String> payloads = AppliedNotice.payloads("host:8080", notices, AppliedNotice.MAX_PAYLOAD_BYTES);

        assertThat(payloads).hasSize(1);
        assertThat(AppliedNotice.origin(payloads.get(0))).isEqualTo("host:8080");
        assertThat(AppliedNotice.parse(payloads.get(0))).isEqualTo(notices);
    }

    @Test
    void manyNoticesAreSplitIntoPayloadsUnderTheLimitWithNoneLost() {
        List<AppliedNotice> notices = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            notices.add(new AppliedNotice("metadata", java.util.UUID.randomUUID().toString(), i));
        }

        List<String> payloads = AppliedNotice.payloads("a", notices, AppliedNotice.MAX_PAYLOAD_BYTES);

        assertThat(payloads.size()).isGreaterThan(1);
        List<AppliedNotice> back = new ArrayList<>();
        for (String payload : payloads) {
            assertThat(payload.getBytes(StandardCharsets.UTF_8).length).isLessThan(8000);
            assertThat(AppliedNotice.origin(payload)).isEqualTo("a");
            back.addAll(AppliedNotice.parse(payload));
        }
        assertThat(back).isEqualTo(notices);
    }

    @Test
    void theLimitCountsBytesNotCharacters() {
        String wide = "é".repeat(30); // 60 bytes in UTF-8
        List<AppliedNotice> notices = List.of(new AppliedNotice("g", wide, 1), new AppliedNotice("g", wide, 2));

        List<String> payloads = AppliedNotice.payloads("o", notices, 2 + 2 * 2 + 60 + 3 + 10);

        assertThat(payloads).hasSize(2);
        assertThat(payloads).allSatisfy(p -> assertThat(p.getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(2 + 2 * 2 + 60 + 3 + 10));
    }

    @Test
    void noticesThatCannotBeFramedOrWouldNeverFitAreNotSent() {
        List<AppliedNotice> notices = List.of(new AppliedNotice("g", "with\ttab", 1),
                new AppliedNotice("g", "with\nline", 2), new AppliedNotice("g", "x".repeat(9_000), 3),
                new AppliedNotice("g", "fine", 4));

        List<String> payloads = AppliedNotice.payloads("o", notices, AppliedNotice.MAX_PAYLOAD_BYTES);

        assertThat(payloads).hasSize(1);
        assertThat(AppliedNotice.parse(payloads.get(0))).containsExactly(new AppliedNotice("g", "fine", 4));
        assertThat(AppliedNotice.payloads("o", List.of(notices.get(0)), 100)).isEmpty();
    }

    @Test
    void malformedLinesAreSkipped() {
        assertThat(AppliedNotice.parse("o\ng\ta\tnot-a-number\nonly-one-field\ng\tb\t7\n"))
                .containsExactly(new AppliedNotice("g", "b", 7));
        assertThat(AppliedNotice.origin("no line break")).isNull();
    }
}
