package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/** A user's password was replaced. */
@Revision("1")
public record UserPasswordSetEvent(UserId userId, PasswordHash passwordHash, UserId by) {
}
