package io.filestore.command.api;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * A file's display name: one path segment, NFC-normalized, at most 255 UTF-8 bytes, with no path separator,
 * no control character, and not {@code .} or {@code ..}. A name can therefore never traverse a path.
 */
public record FileName(String value) {

    public static final int MAX_UTF8_BYTES = 255;

    public FileName {
        if (value == null) {
            throw new InvalidValueException("name", "is required");
        }
        value = Normalizer.normalize(value, Normalizer.Form.NFC);
        if (value.isBlank()) {
            throw new InvalidValueException("name", "must not be blank");
        }
        if (value.equals(".") || value.equals("..")) {
            throw new InvalidValueException("name", "must not be . or ..");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_UTF8_BYTES) {
            throw new InvalidValueException("name", "must be at most " + MAX_UTF8_BYTES + " bytes in UTF-8");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/' || c == '\\') {
                throw new InvalidValueException("name", "must not contain / or \\");
            }
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw new InvalidValueException("name", "must not contain control characters");
            }
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
