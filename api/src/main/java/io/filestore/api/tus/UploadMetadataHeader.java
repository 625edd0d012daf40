package io.filestore.api.tus;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * tus' {@code Upload-Metadata}: comma-separated {@code key base64(value)} pairs; a value may be absent. A key is 1 to
 * {@link #MAX_KEY_LENGTH} characters of an HTTP token (RFC 9110 {@code tchar}: letters, digits and
 * {@code !#$%&'*+-.^_`|~}; so no space, comma, quote or control character) and appears once (case-sensitive, as
 * tus says). Bounded: at most {@link #MAX_PAIRS} pairs and {@link #MAX_LENGTH} characters.
 */
final class UploadMetadataHeader {

    static final int MAX_LENGTH = 16 * 1024;
    static final int MAX_PAIRS = 64;
    static final int MAX_KEY_LENGTH = 64;
    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    private UploadMetadataHeader() {
    }

    static Map<String, String> parse(String header) {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (header == null || header.isBlank()) {
            return pairs;
        }
        if (header.length() > MAX_LENGTH) {
            throw new TusException(400, "Upload-Metadata is longer than " + MAX_LENGTH + " characters");
        }
        for (String pair : header.split(",")) {
            String p = pair.trim();
            if (p.isEmpty()) {
                continue;
            }
            int space = p.indexOf(' ');
            String key = space < 0 ? p : p.substring(0, space);
            String encoded = space < 0 ? "" : p.substring(space + 1).trim();
            if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(UploadMetadataHeader::tchar)) {
                throw new TusException(400, "Upload-Metadata keys must be 1-" + MAX_KEY_LENGTH
                        + " letters, digits or " + TOKEN_SYMBOLS);
            }
            if (pairs.containsKey(key)) {
                throw new TusException(400, "Upload-Metadata key '" + key + "' appears twice");
            }
            pairs.put(key, decode(key, encoded));
            if (pairs.size() > MAX_PAIRS) {
                throw new TusException(400, "Upload-Metadata has more than " + MAX_PAIRS + " pairs");
            }
        }
        return pairs;
    }

    private static boolean tchar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || TOKEN_SYMBOLS.indexOf(c) >= 0;
    }

    static String format(Map<String, String> pairs) {
        StringJoiner joiner = new StringJoiner(",");
        pairs.forEach((key, value) -> joiner.add(value.isEmpty() ? key
                : key + " " + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
        return joiner.toString();
    }

    private static String decode(String key, String encoded) {
        if (encoded.isEmpty()) {
            return "";
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(encoded);
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw new TusException(400, "Upload-Metadata value of '" + key + "' is not base64-encoded UTF-8");
        }
    }
}
