package io.filestore.api.download;

import jakarta.servlet.http.HttpServletRequest;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Evaluates conditional request fields against a representation's strong entity tag and modification time, in
 * the order of RFC 9110 §13.2.2: If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since; If-Range is
 * separate ({@link #ifRangeHolds}) because it only decides whether a Range field applies.
 *
 * <p>Times are compared at one-second precision, the precision of an HTTP-date. A date field that is not a valid
 * HTTP-date or that occurs more than once is ignored (§13.1.3, §13.1.4). Entity-tag lists may span several field
 * lines; members that are not entity-tags match nothing.
 */
public final class Preconditions {

    /** What the conditional fields decide. */
    public enum Outcome {
        /** No condition stops the request: answer 200, 206 or 416. */
        PROCEED,
        /** If-None-Match or If-Modified-Since found the client's copy current: answer 304 (GET and HEAD). */
        NOT_MODIFIED,
        /** If-Match or If-Unmodified-Since failed (or If-None-Match for other methods): answer 412. */
        PRECONDITION_FAILED
    }

    private Preconditions() {
    }

    /**
     * @param etag         the selected representation's strong entity tag, unquoted
     * @param lastModified the selected representation's modification time
     */
    public static Outcome evaluate(HttpServletRequest request, String etag, Instant lastModified) {
        Instant modified = lastModified.truncatedTo(ChronoUnit.SECONDS);
        boolean getOrHead = "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());

        List<String> ifMatch = fieldLines(request, "If-Match");
        if (!ifMatch.isEmpty()) {
            // Step 1: strong comparison; "*" holds because the representation exists.
            if (!isWildcard(ifMatch) && !anyTag(ifMatch, tag -> tag.strongMatch(etag))) {
                return Outcome.PRECONDITION_FAILED;
            }
        } else {
            // Step 2: only without If-Match.
            Optional<Instant> ifUnmodifiedSince = singleDate(request, "If-Unmodified-Since");
            if (ifUnmodifiedSince.isPresent() && modified.isAfter(ifUnmodifiedSince.get())) {
                return Outcome.PRECONDITION_FAILED;
            }
        }

        List<String> ifNoneMatch = fieldLines(request, "If-None-Match");
        if (!ifNoneMatch.isEmpty()) {
            // Step 3: weak comparison; "*" matches because the representation exists.
            if (isWildcard(ifNoneMatch) || anyTag(ifNoneMatch, tag -> tag.weakMatch(etag))) {
                return getOrHead ? Outcome.NOT_MODIFIED : Outcome.PRECONDITION_FAILED;
            }
        } else if (getOrHead) {
            // Step 4: only without If-None-Match, only for GET and HEAD.
            Optional<Instant> ifModifiedSince = singleDate(request, "If-Modified-Since");
            if (ifModifiedSince.isPresent() && !modified.isAfter(ifModifiedSince.get())) {
                return Outcome.NOT_MODIFIED;
            }
        }
        return Outcome.PROCEED;
    }

    /**
     * Step 5: whether the Range field may be applied. True without If-Range; with it, true only when it holds a
     * strong entity tag equal to {@code etag} or an HTTP-date equal to {@code lastModified} (at one-second
     * precision). A weak tag, any other value, or several If-Range lines: false, so the full representation is sent.
     */
    public static boolean ifRangeHolds(HttpServletRequest request, String etag, Instant lastModified) {
        List<String> lines = fieldLines(request, "If-Range");
        if (lines.isEmpty()) {
            return true;
        }
        if (lines.size() > 1) {
            return false;
        }
        String value = RangeParser.stripOws(lines.get(0));
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return EntityTag.parseSingle(value).map(tag -> tag.strongMatch(etag)).orElse(false);
        }
        return HttpDates.parse(value)
                .map(date -> date.equals(lastModified.truncatedTo(ChronoUnit.SECONDS)))
                .orElse(false);
    }

    private static List<String> fieldLines(HttpServletRequest request, String name) {
        var headers = request.getHeaders(name);
        return headers == null ? List.of() : new ArrayList<>(Collections.list(headers));
    }

    private static boolean isWildcard(List<String> lines) {
        return lines.stream().anyMatch(line -> RangeParser.stripOws(line).equals("*"));
    }

    private static boolean anyTag(List<String> lines, Predicate<EntityTag> matches) {
        return lines.stream().flatMap(line -> EntityTag.parseList(line).stream()).anyMatch(matches);
    }

    private static Optional<Instant> singleDate(HttpServletRequest request, String name) {
        List<String> lines = fieldLines(request, name);
        return lines.size() == 1 ? HttpDates.parse(lines.get(0)) : Optional.empty();
    }
}
