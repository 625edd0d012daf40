package io.filestore.command.api;

/**
 * A password as a slow one-way hash in Spring Security's delegating format: {@code {bcrypt-sha256}$2a$...} (bcrypt
 * over the password's SHA-256, so that no character beyond bcrypt's 72 bytes is ignored) or, written before that,
 * {@code {bcrypt}$2a$...}. The
 * clear password never reaches a command or an event.
 */
public record PasswordHash(String value) {

    public PasswordHash {
        if (value == null || !(value.startsWith("{bcrypt}$2") || value.startsWith("{bcrypt-sha256}$2"))
                || value.length() > 200) {
            throw new InvalidValueException("password", "must be stored as a bcrypt hash");
        }
    }

    @Override
    public String toString() {
        return "PasswordHash[redacted]";
    }
}
