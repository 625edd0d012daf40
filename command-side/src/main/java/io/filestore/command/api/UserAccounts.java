package io.filestore.command.api;

/** Naming of user-account aggregates: their identifiers live beside file ids, so they carry a prefix. */
public final class UserAccounts {

    private UserAccounts() {
    }

    public static String accountId(UserId userId) {
        return "user:" + userId.value();
    }
}
