package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/** A user was disabled. */
@Revision("1")
public record UserDisabledEvent(UserId userId, UserId by) {
}
