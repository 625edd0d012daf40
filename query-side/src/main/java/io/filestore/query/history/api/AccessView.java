package io.filestore.query.history.api;

import java.time.Instant;

/**
 * One principal's access to a file at an instant: {@code principal} is {@code user:<id>}, {@code group:<name>} or
 * {@code link:<share id>}; {@code reason} is owner, systemAdmin, directShare, groupShare (then {@code group} names
 * the group the user belonged to) or publicLink; {@code shareId} and {@code expiresAt} describe the share it came from.
 */
public record AccessView(String principal, String role, String reason, String group, String shareId,
                         Instant expiresAt) {
}
