package io.filestore.query.users.api;

/** All users, by id. Answers a list of {@link UserView}. */
public record ListUsersQuery(int offset, int limit) {
}
