package io.filestore.api.download;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTTP-date (RFC 9110 §5.6.7): IMF-fixdate to send; IMF-fixdate, rfc850-date and asctime-date to receive. */
public final class HttpDates {

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private static final List<String> MONTHS =
            List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");
    private static final String MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
    private static final String DAY_NAME = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
    private static final String DAY_NAME_L = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
    private static final String TIME = "(\\d{2}):(\\d{2}):(\\d{2})";

    // The day name is checked for form only, not against the date: a wrong weekday does not void the date.
    private static final Pattern IMF = Pattern.compile(DAY_NAME + ", (\\d{2}) " + MONTH + " (\\d{4}) " + TIME + " GMT");
    private static final Pattern RFC850 = Pattern.compile(DAY_NAME_L + ", (\\d{2})-" + MONTH + "-(\\d{2}) " + TIME + " GMT");
    private static final Pattern ASCTIME = Pattern.compile(DAY_NAME + " " + MONTH + " ([ \\d]\\d) " + TIME + " (\\d{4})");

    private HttpDates() {
    }

    /** IMF-fixdate of {@code instant}, truncated to the second. */
    public static String format(Instant instant) {
        return IMF_FIXDATE.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** The instant a received HTTP-date names, or empty when it is not one. */
    static Optional<Instant> parse(String value) {
        return parse(value, Instant.now());
    }

    /** As {@link #parse(String)}, with {@code now} to place rfc850-date's two-digit years. */
    static Optional<Instant> parse(String value, Instant now) {
        String s = RangeParser.stripOws(value);
        try {
            Matcher m = IMF.matcher(s);
            if (m.matches()) {
                return Optional.of(toInstant(Integer.parseInt(m.group(3)), m.group(2), m.group(1),
                        m.group(4), m.group(5), m.group(6)));
            }
            m = RFC850.matcher(s);
            if (m.matches()) {
                ZonedDateTime utcNow = ZonedDateTime.ofInstant(now, ZoneOffset.UTC);
                int year = utcNow.getYear() - utcNow.getYear() % 100 + Integer.parseInt(m.group(3));
                // §5.6.7: a two-digit year more than 50 years in the future means the latest such past year.
                if (year > utcNow.getYear() + 50) {
                    year -= 100;
                }
                return Optional.of(toInstant(year, m.group(2), m.group(1), m.group(4), m.group(5), m.group(6)));
            }
            m = ASCTIME.matcher(s);
            if (m.matches()) {
                return Optional.of(toInstant(Integer.parseInt(m.group(6)), m.group(1), m.group(2).strip(),
                        m.group(3), m.group(4), m.group(5)));
            }
        } catch (DateTimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Instant toInstant(int year, String month, String day, String hour, String minute, String second) {
        // second = 2DIGIT allows 60 (a leap second); java.time does not, and one second does not matter here.
        int sec = Math.min(Integer.parseInt(second), 59);
        return LocalDateTime.of(year, MONTHS.indexOf(month) + 1, Integer.parseInt(day),
                Integer.parseInt(hour), Integer.parseInt(minute), sec).toInstant(ZoneOffset.UTC);
    }
}
