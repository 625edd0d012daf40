package io.filestore.api.upload;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Parses {@code value; key=token; key="quoted \" string"} header parameters (RFC 9110 §5.6.6, RFC 8187). */
final class HeaderParams {

    private HeaderParams() {
    }

    static Map<String, String> parse(String header) {
        Map<String, String> params = new LinkedHashMap<>();
        int i = header.indexOf(';');
        if (i < 0) {
            return params;
        }
        int n = header.length();
        while (i < n) {
            i++; // skip ';'
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t')) {
                i++;
            }
            int eq = header.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = header.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            if (i < n && header.charAt(i) == '"') {
                i++;
                while (i < n && header.charAt(i) != '"') {
                    char c = header.charAt(i);
                    // only \" and \\ are escapes: browsers send a Windows path's backslashes unescaped
                    // (C:\Users\me\a.txt), and the name is then cut to its last segment
                    if (c == '\\' && i + 1 < n && (header.charAt(i + 1) == '"' || header.charAt(i + 1) == '\\')) {
                        i++;
                        c = header.charAt(i);
                    }
                    value.append(c);
                    i++;
                }
                i++; // closing quote
                while (i < n && header.charAt(i) != ';') {
                    i++;
                }
            } else {
                int end = header.indexOf(';', i);
                if (end < 0) {
                    end = n;
                }
                value.append(header, i, end);
                i = end;
            }
            params.putIfAbsent(key, value.toString().trim());
        }
        return params;
    }

    /** {@code filename*} (RFC 8187 ext-value, UTF-8 or ISO-8859-1) if present, else {@code filename}, else null. */
    static String filename(String disposition) {
        Map<String, String> params = parse(disposition);
        String extended = params.get("filename*");
        if (extended != null) {
            int first = extended.indexOf('\'');
            int second = first < 0 ? -1 : extended.indexOf('\'', first + 1);
            if (second > 0) {
                String charset = extended.substring(0, first).trim().toUpperCase(Locale.ROOT);
                String encoded = extended.substring(second + 1).replace("+", "%2B");
                try {
                    return URLDecoder.decode(encoded, charset.equals("ISO-8859-1")
                            ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    // fall back to the plain filename
                }
            }
        }
        return params.get("filename");
    }
}
