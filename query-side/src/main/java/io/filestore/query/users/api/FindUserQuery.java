package io.filestore.query.users.api;

import io.filestore.command.api.UserId;

/** Answers {@code Optional<UserView>}. */
public record FindUserQuery(UserId userId) {
}
