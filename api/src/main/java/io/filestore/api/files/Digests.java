package io.filestore.api.files;

import io.filestore.api.web.BadRequestException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Client-supplied SHA-256 digests: RFC 9530 {@code Content-Digest} / {@code Repr-Digest} ({@code sha-256=:<base64>:})
 * and {@code X-Checksum-SHA256} (hex or base64). An RFC 9530 field without a {@code sha-256} member (only
 * algorithms the service does not check, such as {@code sha-512}) is refused with 400 naming the supported one, so
 * that a client never believes an unchecked digest was verified; other members next to {@code sha-256} are ignored.
 */
final class Digests {

    static final String X_CHECKSUM = "X-Checksum-SHA256";

    private Digests() {
    }

    /** The SHA-256 the client declared for the body, as lowercase hex, or null. */
    static String fromHeaders(HttpServletRequest request, boolean includeContentDigest) {
        String hex = null;
        if (includeContentDigest) {
            hex = structured(request.getHeader("Content-Digest"), "Content-Digest");
        }
        String repr = structured(request.getHeader("Repr-Digest"), "Repr-Digest");
        hex = agree(hex, repr);
        String plain = request.getHeader(X_CHECKSUM);
        if (plain != null && !plain.isBlank()) {
            hex = agree(hex, decode(plain.trim().replaceFirst("(?i)^sha-?256[:=]", ""), X_CHECKSUM));
        }
        return hex;
    }

    /** The only RFC 9530 algorithm the service checks. */
    static final String SUPPORTED = "sha-256";

    /** The sha-256 member of an RFC 9530 dictionary field, as hex, or null without the field. */
    static String structured(String field, String headerName) {
        if (field == null || field.isBlank()) {
            return null;
        }
        java.util.List<String> others = new java.util.ArrayList<>();
        for (String member : field.split(",")) {
            String m = member.trim();
            int eq = m.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = m.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = m.substring(eq + 1).trim();
            if (!key.equals(SUPPORTED)) {
                others.add(key.matches("[a-z0-9-]{1,32}") ? key : "another algorithm");
                continue;
            }
            if (value.length() < 2 || value.charAt(0) != ':' || value.charAt(value.length() - 1) != ':') {
                throw new BadRequestException(headerName, headerName + " sha-256 must be a byte sequence :<base64>:");
            }
            return decode(value.substring(1, value.length() - 1), headerName);
        }
        throw new BadRequestException(headerName, headerName + " has no " + SUPPORTED + " digest"
                + (others.isEmpty() ? "" : " (" + String.join(", ", others) + " is not checked here)")
                + "; the supported algorithm is " + SUPPORTED);
    }

    static String decode(String value, String headerName) {
        if (value.matches("[0-9a-fA-F]{64}")) {
            return value.toLowerCase(Locale.ROOT);
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(value);
            if (bytes.length == 32) {
                return HexFormat.of().formatHex(bytes);
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw new BadRequestException(headerName, headerName + " must be a SHA-256 digest in hex or base64");
    }

    private static String agree(String a, String b) {
        if (a != null && b != null && !a.equals(b)) {
            throw new BadRequestException("digest", "the digest headers disagree with each other");
        }
        return a != null ? a : b;
    }
}
