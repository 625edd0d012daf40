package io.filestore.command.api;

import java.util.Locale;
import java.util.regex.Pattern;

/** A media type such as {@code image/png}, lowercased, parameters kept (e.g. {@code text/plain; charset=utf-8}). */
public record MediaType(String value) {

    private static final Pattern FORM = Pattern.compile(
            "[a-z0-9][a-z0-9!#$&^_.+\\-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+\\-]{0,126}(\\s*;\\s*[a-z0-9!#$&^_.+\\-]+=(\"[^\"\\\\\\r\\n]*\"|[a-z0-9!#$&^_.+\\-]+))*");

    public static final MediaType OCTET_STREAM = new MediaType("application/octet-stream");

    public MediaType {
        if (value == null) {
            throw new InvalidValueException("mimeType", "is required");
        }
        value = value.trim().toLowerCase(Locale.ROOT);
        if (value.length() > 255 || !FORM.matcher(value).matches()) {
            throw new InvalidValueException("mimeType", "is not a valid media type");
        }
    }

    /** The type without parameters, e.g. {@code text/plain}. */
    public String essence() {
        int semi = value.indexOf(';');
        return (semi < 0 ? value : value.substring(0, semi)).trim();
    }

    @Override
    public String toString() {
        return value;
    }
}
