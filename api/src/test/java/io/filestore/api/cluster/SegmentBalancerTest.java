package io.filestore.api.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** An instance keeps at most ceil(segments / live instances) segments and releases the rest. */
class SegmentBalancerTest {

    @Test
    void aLoneInstanceKeepsEverySegment() {
        assertThat(SegmentBalancer.excess(Set.of(0, 1, 2, 3), 4, 1)).isEmpty();
    }

    @Test
    void theFirstOfTwoInstancesReleasesHalfOfFourSegments() {
        assertThat(SegmentBalancer.excess(Set.of(0, 1, 2, 3), 4, 2)).containsExactly(3, 2);
    }

    @Test
    void theFairShareIsRoundedUp() {
        assertThat(SegmentBalancer.excess(Set.of(0, 1, 2, 3), 4, 3)).containsExactly(3, 2);
        assertThat(SegmentBalancer.excess(Set.of(1, 3), 4, 3)).isEmpty();
        assertThat(SegmentBalancer.excess(Set.of(0), 1, 2)).isEmpty();
    }

    @Test
    void anInstanceWithinItsShareReleasesNothing() {
        assertThat(SegmentBalancer.excess(Set.of(0, 2), 4, 2)).isEmpty();
        assertThat(SegmentBalancer.excess(Set.of(), 4, 2)).isEmpty();
        assertThat(SegmentBalancer.excess(Set.of(), 0, 2)).isEmpty();
    }
}
