package io.filestore.command.api;

import java.util.regex.Pattern;

/**
 * An API token or public-link token as the SHA-256 of the token (lowercase hex). Tokens carry at least 256 bits of
 * randomness, so a fast hash cannot be reversed; the token itself is shown to its owner once and never stored.
 */
public record TokenHash(String sha256) {

    private static final Pattern HEX_64 = Pattern.compile("[0-9a-f]{64}");

    public TokenHash {
        if (sha256 == null || !HEX_64.matcher(sha256).matches()) {
            throw new InvalidValueException("token", "must be stored as a SHA-256 hash");
        }
    }

    @Override
    public String toString() {
        return "TokenHash[redacted]";
    }
}
