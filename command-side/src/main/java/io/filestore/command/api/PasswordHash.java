package io.filestore.command.api;

/**
 * A password as a slow one-way hash (bcrypt, {@code {bcrypt}$2a$...} in Spring Security's delegating format). The
 * clear password never reaches a command or an event.
 */
public record PasswordHash(String value) {

    public PasswordHash {
        if (value == null || !value.startsWith("{bcrypt}$2") || value.length() > 200) {
            throw new InvalidValueException("password", "must be stored as a bcrypt hash");
        }
    }

    @Override
    public String toString() {
        return "PasswordHash[redacted]";
    }
}
