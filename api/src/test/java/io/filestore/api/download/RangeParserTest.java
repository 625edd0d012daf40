package io.filestore.api.download;

import io.filestore.api.download.RangeParser.Ignored;
import io.filestore.api.download.RangeParser.Result;
import io.filestore.api.download.RangeParser.Satisfiable;
import io.filestore.api.download.RangeParser.Unsatisfiable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class RangeParserTest {

    private static List<ByteRange> ranges(Result result) {
        assertThat(result).isInstanceOf(Satisfiable.class);
        return ((Satisfiable) result).ranges();
    }

    @Nested
    class SingleRanges {

        @Test
        void readsFirstToLast() {
            assertThat(ranges(RangeParser.parse("bytes=0-99", 1000))).containsExactly(new ByteRange(0, 99));
        }

        @Test
        void readsOneByte() {
            assertThat(ranges(RangeParser.parse("bytes=5-5", 1000))).containsExactly(new ByteRange(5, 5));
        }

        @Test
        void readsOpenEndedRangeToTheEnd() {
            assertThat(ranges(RangeParser.parse("bytes=900-", 1000))).containsExactly(new ByteRange(900, 999));
        }

        @Test
        void readsSuffix() {
            assertThat(ranges(RangeParser.parse("bytes=-100", 1000))).containsExactly(new ByteRange(900, 999));
        }

        @Test
        void clampsLastBeyondTheEnd() {
            assertThat(ranges(RangeParser.parse("bytes=990-5000", 1000))).containsExactly(new ByteRange(990, 999));
        }

        @Test
        void givesWholeFileForSuffixLongerThanFile() {
            assertThat(ranges(RangeParser.parse("bytes=-5000", 1000))).containsExactly(new ByteRange(0, 999));
        }

        @Test
        void saturatesHugeNumbersInsteadOfOverflowing() {
            assertThat(ranges(RangeParser.parse("bytes=10-99999999999999999999999", 1000)))
                    .containsExactly(new ByteRange(10, 999));
            assertThat(ranges(RangeParser.parse("bytes=-99999999999999999999999", 1000)))
                    .containsExactly(new ByteRange(0, 999));
            assertThat(RangeParser.parse("bytes=99999999999999999999999-", 1000)).isInstanceOf(Unsatisfiable.class);
        }

        @Test
        void acceptsUnitInAnyCaseAndSurroundingWhitespace() {
            assertThat(ranges(RangeParser.parse("  BYTES=1-2\t", 10))).containsExactly(new ByteRange(1, 2));
        }
    }

    @Nested
    class SeveralRanges {

        @Test
        void keepsRequestOrderWithoutCoalescing() {
            assertThat(ranges(RangeParser.parse("bytes=500-599,0-9,10-19", 1000)))
                    .containsExactly(new ByteRange(500, 599), new ByteRange(0, 9), new ByteRange(10, 19));
        }

        @Test
        void allowsWhitespaceAroundCommasAndEmptyElements() {
            assertThat(ranges(RangeParser.parse("bytes=0-1 ,\t2-3, ,,-1", 10)))
                    .containsExactly(new ByteRange(0, 1), new ByteRange(2, 3), new ByteRange(9, 9));
        }

        @Test
        void dropsUnsatisfiableRangesAndKeepsTheRest() {
            assertThat(ranges(RangeParser.parse("bytes=2000-3000,0-9,-0", 1000))).containsExactly(new ByteRange(0, 9));
        }

        @Test
        void allowsOverlapThatStaysWithinTheSize() {
            assertThat(ranges(RangeParser.parse("bytes=0-499,400-899", 1000)))
                    .containsExactly(new ByteRange(0, 499), new ByteRange(400, 899));
        }

        @Test
        void ignoresOverlapThatAddsUpToMoreThanTheSize() {
            assertThat(RangeParser.parse("bytes=0-,0-", 1000)).isInstanceOf(Ignored.class);
            assertThat(RangeParser.parse("bytes=0-600,500-999", 1000)).isInstanceOf(Ignored.class);
            assertThat(RangeParser.parse("bytes=-1000,-1", 1000)).isInstanceOf(Ignored.class);
        }

        @Test
        void acceptsExactlyTheMaximumNumberOfRanges() {
            String header = "bytes=" + IntStream.range(0, RangeParser.MAX_RANGES)
                    .mapToObj(i -> i + "-" + i).collect(Collectors.joining(","));
            assertThat(ranges(RangeParser.parse(header, 1000))).hasSize(RangeParser.MAX_RANGES);
        }

        @Test
        void ignoresMoreThanTheMaximumNumberOfRanges() {
            String header = "bytes=" + IntStream.range(0, RangeParser.MAX_RANGES + 1)
                    .mapToObj(i -> i + "-" + i).collect(Collectors.joining(","));
            assertThat(RangeParser.parse(header, 1000)).isInstanceOf(Ignored.class);
        }
    }

    @Nested
    class Unsatisfiable416 {

        @Test
        void refusesRangesStartingAtOrBeyondTheEnd() {
            assertThat(RangeParser.parse("bytes=1000-", 1000)).isInstanceOf(Unsatisfiable.class);
            assertThat(RangeParser.parse("bytes=1000-2000,5000-", 1000)).isInstanceOf(Unsatisfiable.class);
        }

        @Test
        void refusesZeroLengthSuffix() {
            assertThat(RangeParser.parse("bytes=-0", 1000)).isInstanceOf(Unsatisfiable.class);
        }
    }

    @Nested
    class IgnoredFields {

        @ParameterizedTest
        @ValueSource(strings = {
                "", "bytes", "bytes=", "bytes= ", "bytes=,", "bytes=-", "bytes=abc", "bytes=1-2-3", "bytes=1 -2",
                "bytes=+1-2", "bytes=0x10-20", "bytes=5-4", "bytes=0-1,5-4", "bytes=0-1,x", "bytes =0-1",
                "bytes=\u0661-\u0662", "=0-1", "bytes=0-1;"
        })
        void ignoresInvalidSyntax(String header) {
            assertThat(RangeParser.parse(header, 1000)).isInstanceOf(Ignored.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {"items=0-1", "none=0-1", "byte=0-1", "bytesx=0-1"})
        void ignoresOtherUnits(String header) {
            assertThat(RangeParser.parse(header, 1000)).isInstanceOf(Ignored.class);
        }

        @Test
        void ignoresAbsentField() {
            assertThat(RangeParser.parse(null, 1000)).isInstanceOf(Ignored.class);
        }
    }

    @Nested
    class EmptyRepresentation {

        @Test
        void refusesIntRanges() {
            assertThat(RangeParser.parse("bytes=0-", 0)).isInstanceOf(Unsatisfiable.class);
            assertThat(RangeParser.parse("bytes=0-0", 0)).isInstanceOf(Unsatisfiable.class);
        }

        @Test
        void refusesZeroSuffix() {
            assertThat(RangeParser.parse("bytes=-0", 0)).isInstanceOf(Unsatisfiable.class);
        }

        @Test
        void ignoresNonZeroSuffixWhoseRangeIsEmpty() {
            assertThat(RangeParser.parse("bytes=-5", 0)).isInstanceOf(Ignored.class);
            assertThat(RangeParser.parse("bytes=0-,-5", 0)).isInstanceOf(Ignored.class);
        }
    }
}
