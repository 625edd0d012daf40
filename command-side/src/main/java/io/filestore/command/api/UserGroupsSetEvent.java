package io.filestore.command.api;

import org.axonframework.serialization.Revision;

/** A user's group memberships were replaced. */
@Revision("1")
public record UserGroupsSetEvent(UserId userId, java.util.Set<String> groups, UserId by) {
}
