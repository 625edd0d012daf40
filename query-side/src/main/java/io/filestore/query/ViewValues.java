package io.filestore.query;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Makes values from events fit the stores of the views, so that an event already in the event store is applied
 * rather than parked: PostgreSQL text and jsonb cannot hold U+0000 (it is dropped), and PostgreSQL timestamps and
 * Elasticsearch dates cannot hold every {@link Instant} (an instant outside years 1 to 9999 is clamped to that
 * range: an expiry a billion years ahead is, for every purpose, never).
 */
public final class ViewValues {

    public static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999Z");

    /** A JSON {@code \u0000} escape that is not itself an escaped backslash followed by "u0000". */
    private static final Pattern JSON_NUL = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");

    private ViewValues() {
    }

    /** The text without U+0000 characters (null stays null). */
    public static String text(String value) {
        return value == null || value.indexOf('\u0000') < 0 ? value : value.replace("\u0000", "");
    }

    /** JSON text (as written for a jsonb column) without {@code \u0000} escapes or raw U+0000 characters. */
    public static String json(String value) {
        if (value == null) {
            return null;
        }
        String escapesRemoved = value.contains("\\u0000") ? JSON_NUL.matcher(value).replaceAll("$1") : value;
        return text(escapesRemoved);
    }

    /** The instant clamped to years 1 to 9999 (null stays null). */
    public static Instant instant(Instant value) {
        if (value == null) {
            return null;
        }
        if (value.isBefore(MIN_INSTANT)) {
            return MIN_INSTANT;
        }
        return value.isAfter(MAX_INSTANT) ? MAX_INSTANT : value;
    }

    /** A JDBC timestamp of the instant clamped to years 1 to 9999 (null stays null). */
    public static Timestamp timestamp(Instant value) {
        return value == null ? null : Timestamp.from(instant(value));
    }
}
