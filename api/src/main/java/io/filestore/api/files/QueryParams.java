package io.filestore.api.files;

import io.filestore.api.web.BadRequestException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Reads query-string parameters without touching the body: {@code getParameter} would consume an
 * {@code application/x-www-form-urlencoded} upload body.
 */
final class QueryParams {

    private QueryParams() {
    }

    static String get(HttpServletRequest request, String name) {
        String query = request.getQueryString();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (key.equals(name)) {
                return eq < 0 ? "" : decode(pair.substring(eq + 1));
            }
        }
        return null;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("query", "malformed percent-encoding in the query string");
        }
    }
}
