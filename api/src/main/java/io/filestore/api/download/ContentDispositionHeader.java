package io.filestore.api.download;

import java.nio.charset.StandardCharsets;

/**
 * Builds {@code Content-Disposition: attachment} values (RFC 6266) that carry any Unicode filename safely:
 * {@code attachment; filename="<ascii fallback>"; filename*=UTF-8''<percent-encoded>} (RFC 8187).
 *
 * <p>Both forms are always sent. Neither lets a name act as a path or break the header:
 * <ul>
 *   <li>the quoted {@code filename} replaces each code point that is not printable ASCII, and {@code "},
 *       {@code \}, {@code /} and {@code %}, with {@code _} ({@code %} because some user agents percent-decode
 *       this parameter, RFC 6266 Appendix D);</li>
 *   <li>{@code filename*} keeps every other character, but control characters, {@code /}, {@code \}, lone
 *       surrogates and bidirectional controls (which can disguise an extension: {@code "txt.exe"} shown as
 *       {@code "exe.txt"}) also become {@code _} before UTF-8 percent-encoding.</li>
 * </ul>
 * A name that is empty after this becomes {@value #DEFAULT_NAME}.
 */
public final class ContentDispositionHeader {

    static final String DEFAULT_NAME = "download";

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ContentDispositionHeader() {
    }

    /** The full field value for downloading as {@code filename}. */
    public static String attachment(String filename) {
        String name = filename == null || filename.isEmpty() ? DEFAULT_NAME : filename;
        return "attachment; filename=\"" + asciiFallback(name) + "\"; filename*=UTF-8''" + encodeExtValue(name);
    }

    /** The quoted-string content of the {@code filename} parameter: printable ASCII without {@code " \ / %}. */
    static String asciiFallback(String filename) {
        StringBuilder out = new StringBuilder(filename.length());
        filename.codePoints().forEach(cp -> {
            boolean printableAscii = cp >= 0x20 && cp < 0x7F;
            boolean unsafe = cp == '"' || cp == '\\' || cp == '/' || cp == '%';
            out.append(printableAscii && !unsafe ? (char) cp : '_');
        });
        return out.isEmpty() ? DEFAULT_NAME : out.toString();
    }

    /** RFC 8187 value-chars of {@code filename} in UTF-8, after replacing path separators and controls. */
    static String encodeExtValue(String filename) {
        StringBuilder safe = new StringBuilder(filename.length());
        filename.codePoints().forEach(cp -> {
            boolean unsafe = Character.isISOControl(cp) || cp == '/' || cp == '\\'
                    || Character.getType(cp) == Character.SURROGATE || isBidiControl(cp);
            safe.appendCodePoint(unsafe ? '_' : cp);
        });
        StringBuilder out = new StringBuilder(safe.length() * 3);
        for (byte b : safe.toString().getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (isAttrChar(c)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }

    private static boolean isBidiControl(int cp) {
        return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x2066 && cp <= 0x2069);
    }

    /** attr-char of RFC 8187 §3.2.1. */
    private static boolean isAttrChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$&+-.^_`|~".indexOf(c) >= 0;
    }
}
