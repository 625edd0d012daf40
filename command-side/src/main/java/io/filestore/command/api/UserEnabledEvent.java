package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/** A user was enabled again. */
@Revision("1")
public record UserEnabledEvent(UserId userId, UserId by) {
}
