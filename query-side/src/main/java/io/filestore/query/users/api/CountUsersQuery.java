package io.filestore.query.users.api;

/** How many user accounts exist. Answers {@code Long}. */
public record CountUsersQuery() {
}
