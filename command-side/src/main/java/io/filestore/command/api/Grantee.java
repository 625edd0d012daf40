package io.filestore.command.api;

import java.util.regex.Pattern;

/** Whom a share is for: {@code user:<user id>} or {@code group:<group name>}. */
public record Grantee(String value) {

    private static final Pattern FORM = Pattern.compile("(user|group):[A-Za-z0-9._@+\\-]{1,128}");

    public Grantee {
        if (value == null || !FORM.matcher(value).matches()) {
            throw new InvalidValueException("grantee", "must be user:<id> or group:<name>");
        }
    }

    public static Grantee user(UserId userId) {
        return new Grantee("user:" + userId.value());
    }

    public boolean isUser(UserId userId) {
        return value.equals("user:" + userId.value());
    }

    @Override
    public String toString() {
        return value;
    }
}
