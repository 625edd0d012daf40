package io.filestore.api.web;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Instants clients send, checked before they reach a command or a query: expiries lie in the future and at most
 * {@code filestore.input.max-expiry} ahead; date filters lie in the years 1 to 9999 (what PostgreSQL, Elasticsearch
 * and ISO-8601 without a sign all represent).
 */
public final class Instants {

    public static final Instant MIN_FILTER = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant MAX_FILTER = Instant.parse("9999-12-31T23:59:59.999999Z");

    private Instants() {
    }

    /**
     * The expiry from {@code expiresAt} (ISO-8601 instant) or {@code expiresInSeconds} (at most one may be given),
     * or null for none.
     */
    public static Instant expiry(String expiresAt, Long expiresInSeconds, Duration max, Instant now) {
        if (expiresAt != null && expiresInSeconds != null) {
            throw new BadRequestException("expiresAt", "give expiresAt or expiresInSeconds, not both");
        }
        if (expiresInSeconds != null) {
            if (expiresInSeconds < 1 || expiresInSeconds > max.toSeconds()) {
                throw new BadRequestException("expiresInSeconds", "expiresInSeconds must be between 1 and "
                        + max.toSeconds() + " (" + max.toDays() + " days)");
            }
            return now.plusSeconds(expiresInSeconds);
        }
        if (expiresAt == null) {
            return null;
        }
        Instant instant;
        try {
            instant = OffsetDateTime.parse(expiresAt.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRequestException("expiresAt", "expiresAt must be an ISO-8601 date-time with offset, "
                    + "such as 2027-03-21T10:15:30Z");
        }
        if (!instant.isAfter(now)) {
            throw new BadRequestException("expiresAt", "expiresAt must be in the future");
        }
        if (instant.isAfter(now.plus(max))) {
            throw new BadRequestException("expiresAt", "expiresAt must be at most " + max.toDays()
                    + " days ahead");
        }
        return instant;
    }

    /**
     * A date filter: an ISO-8601 date-time with offset ({@code 2024-05-01T12:00:00Z}) or, when {@code datesAllowed},
     * a date ({@code 2024-05-01}, UTC midnight); in the years 1 to 9999.
     */
    public static Instant filter(String parameter, String value, boolean datesAllowed) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        Instant instant;
        try {
            if (datesAllowed && v.length() == 10) {
                instant = LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else {
                instant = OffsetDateTime.parse(v).toInstant();
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new BadRequestException(parameter, "'" + parameter + "' must be an ISO-8601 "
                    + (datesAllowed ? "date (2024-05-01) or " : "") + "date-time with offset (2024-05-01T12:00:00Z)");
        }
        if (instant.isBefore(MIN_FILTER) || instant.isAfter(MAX_FILTER)) {
            throw new BadRequestException(parameter, "'" + parameter + "' must lie in the years 1 to 9999");
        }
        return instant;
    }
}
