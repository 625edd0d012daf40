package io.filestore.query.history.api;

import io.filestore.command.api.Actor;
import java.time.Instant;

/**
 * What changed in {@code (since, until]} in the files the caller owns (every file for a system administrator),
 * optionally only in {@code folder} (and below it when {@code recursive}), grouped per file, the most recently
 * changed file first. Answers a {@link ChangePage}.
 */
public record ChangesQuery(Actor caller, Instant since, Instant until, String folder, boolean recursive,
                           int offset, int limit) {
}
