package io.filestore.api.download;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ByteRangeTest {

    @Test
    void measuresBothEndsInclusive() {
        assertThat(new ByteRange(0, 0).length()).isEqualTo(1);
        assertThat(new ByteRange(10, 19).length()).isEqualTo(10);
    }

    @Test
    void writesContentRange() {
        assertThat(new ByteRange(500, 999).contentRange(8000)).isEqualTo("bytes 500-999/8000");
    }

    @Test
    void rejectsNegativeStartAndReversedEnds() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ByteRange(-1, 5));
        assertThatIllegalArgumentException().isThrownBy(() -> new ByteRange(5, 4));
    }
}
