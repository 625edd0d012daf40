package io.filestore.api.history;

import io.filestore.api.web.BadRequestException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Reads the instants of the time-travel parameters: ISO-8601 with a zone or offset, never in the future. */
final class Instants {

    private Instants() {
    }

    /**
     * @throws BadRequestException (400) when {@code value} is missing, not an ISO-8601 instant
     *                             ({@code 2026-03-21T10:00:00Z} or {@code 2026-03-21T11:00:00+01:00}) or later than now
     */
    static Instant past(String parameter, String value) {
        if (value == null || value.isBlank()) {
            throw new BadRequestException(parameter, parameter + " is required (an ISO-8601 instant)");
        }
        Instant instant;
        try {
            instant = value.endsWith("Z") || value.endsWith("z") ? Instant.parse(value.toUpperCase(java.util.Locale.ROOT))
                    : OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRequestException(parameter, parameter
                    + " must be an ISO-8601 instant with a zone, such as 2026-03-21T10:00:00Z");
        }
        if (instant.isAfter(Instant.now())) {
            throw new BadRequestException(parameter, parameter + " must not be in the future");
        }
        return instant;
    }
}
