package io.filestore.query.history.api;

import io.filestore.command.api.UserId;
import java.time.Instant;

/**
 * The files (outside the trash then, not purged since) that {@code user} could read at {@code at}, with the role
 * and why, newest created first. Answers a {@link UserAccessPage}.
 */
public record UserAccessAtQuery(UserId user, Instant at, int offset, int limit) {
}
