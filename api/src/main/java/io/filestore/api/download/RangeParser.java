package io.filestore.api.download;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a {@code Range} field value (RFC 9110 §14.1, §14.2) against a representation of known length.
 *
 * <p>Outcomes:
 * <ul>
 *   <li>{@link Ignored}: the field must or may be ignored and the full representation sent with 200 — a unit other
 *       than {@code bytes}, any syntax error (including {@code last < first} in one range-spec of many), more than
 *       {@value #MAX_RANGES} range-specs, or ranges that overlap so much that their total length exceeds the
 *       representation's (an amplification guard allowed by §14.2).</li>
 *   <li>{@link Unsatisfiable}: valid, but no range-spec is satisfiable (every first-pos is at or beyond the end, or
 *       the only ranges are {@code -0}): 416 with <code>Content-Range: bytes *&#47;&lt;size&gt;</code>.</li>
 *   <li>{@link Satisfiable}: the satisfiable ranges, clamped to the representation, unsatisfiable ones dropped,
 *       in request order and not coalesced: a client gets exactly the parts it asked for.</li>
 * </ul>
 *
 * <p>Zero-length representations (RFC 9110 §14.1.2): only a suffix-range with a non-zero length is satisfiable,
 * yet the range it selects is empty and cannot be written as a Content-Range ({@code first-last/0} has no valid
 * value). Such a Range field is therefore {@link Ignored} (200 with the empty body, which is what the client asked
 * for); every other valid range-set on an empty representation is {@link Unsatisfiable} (416 <code>bytes *&#47;0</code>).
 */
public final class RangeParser {

    /** More range-specs than this make the whole field ignored. */
    public static final int MAX_RANGES = 100;

    private static final Pattern RANGE_SPEC = Pattern.compile("(\\d*)-(\\d*)");

    private RangeParser() {
    }

    /** The outcome of parsing one Range field value. */
    public sealed interface Result permits Ignored, Unsatisfiable, Satisfiable {
    }

    /** Send the full representation; {@code reason} is for logs and tests. */
    public record Ignored(String reason) implements Result {
    }

    /** Answer 416. */
    public record Unsatisfiable() implements Result {
    }

    /** Answer 206 with these ranges, in request order. */
    public record Satisfiable(List<ByteRange> ranges) implements Result {
        public Satisfiable {
            if (ranges.isEmpty()) {
                throw new IllegalArgumentException("a satisfiable range set has at least one range");
            }
            ranges = List.copyOf(ranges);
        }
    }

    /**
     * @param fieldValue the Range field value, or {@code null} when the request has none
     * @param size       the representation's length in bytes
     */
    public static Result parse(String fieldValue, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        if (fieldValue == null) {
            return new Ignored("no Range field");
        }
        String value = stripOws(fieldValue);
        int equals = value.indexOf('=');
        if (equals < 0) {
            return new Ignored("no range unit");
        }
        // Range units are case-insensitive (§14.1); "bytes" is the only one this server knows.
        if (!value.substring(0, equals).equalsIgnoreCase("bytes")) {
            return new Ignored("unit is not bytes");
        }

        List<ByteRange> satisfiable = new ArrayList<>();
        boolean emptySuffixOfEmptyRepresentation = false;
        int specs = 0;
        long total = 0;
        // 1#range-spec: comma-separated, OWS around commas, empty list elements tolerated (§5.6.1.2).
        for (String element : value.substring(equals + 1).split(",", -1)) {
            String spec = stripOws(element);
            if (spec.isEmpty()) {
                continue;
            }
            if (++specs > MAX_RANGES) {
                return new Ignored("more than " + MAX_RANGES + " ranges");
            }
            Matcher m = RANGE_SPEC.matcher(spec);
            if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
                return new Ignored("invalid range-spec '" + spec + "'");
            }
            ByteRange range;
            if (m.group(1).isEmpty()) {
                long suffixLength = parseDigits(m.group(2));
                if (suffixLength == 0) {
                    continue;
                }
                if (size == 0) {
                    emptySuffixOfEmptyRepresentation = true;
                    continue;
                }
                range = new ByteRange(Math.max(0, size - suffixLength), size - 1);
            } else {
                long first = parseDigits(m.group(1));
                long last = m.group(2).isEmpty() ? Long.MAX_VALUE : parseDigits(m.group(2));
                if (last < first) {
                    return new Ignored("last-pos before first-pos in '" + spec + "'");
                }
                if (first >= size) {
                    continue;
                }
                range = new ByteRange(first, Math.min(last, size - 1));
            }
            // Ranges that do not overlap add up to at most the size; more means overlap used to amplify the
            // response. Checked as we go so that the sum cannot overflow.
            if (range.length() > size - total) {
                return new Ignored("overlapping ranges add up to more than the representation");
            }
            total += range.length();
            satisfiable.add(range);
        }
        if (specs == 0) {
            return new Ignored("empty range-set");
        }
        if (satisfiable.isEmpty()) {
            return emptySuffixOfEmptyRepresentation
                    ? new Ignored("suffix range of an empty representation")
                    : new Unsatisfiable();
        }
        return new Satisfiable(satisfiable);
    }

    /** Decimal digits to a long, saturating at Long.MAX_VALUE: a huge position is valid syntax, just far away. */
    private static long parseDigits(String digits) {
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            int digit = digits.charAt(i) - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                return Long.MAX_VALUE;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /** Strips optional whitespace (SP and HTAB only, §5.6.3) from both ends. */
    static String stripOws(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isOws(s.charAt(start))) {
            start++;
        }
        while (end > start && isOws(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }
}
