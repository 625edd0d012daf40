package io.filestore.command.api;

import java.util.regex.Pattern;

/** A principal: 1 to 128 characters of letters, digits and {@code . _ @ + -}. */
public record UserId(String value) {

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._@+\\-]{1,128}");

    public UserId {
        if (value == null || !ALLOWED.matcher(value).matches()) {
            throw new InvalidValueException("userId", "must be 1-128 characters of letters, digits and . _ @ + -");
        }
    }

    /** The identifier of this user's account aggregate (prefixed: it lives beside file ids in the event store). */
    public String accountId() {
        return "user:" + value;
    }

    @Override
    public String toString() {
        return value;
    }
}
