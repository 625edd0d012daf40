package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/** A user account was created. */
@Revision("1")
public record UserCreatedEvent(UserId userId, String displayName, PasswordHash passwordHash, boolean systemAdmin, UserId by) {
}
