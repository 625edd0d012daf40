package io.filestore.query.history.api;

import io.filestore.command.api.Actor;
import java.time.Instant;

/**
 * The caller's own files as they were at {@code at} (outside the trash then, not purged since), newest created first;
 * optionally only those filed in {@code folder} (and below it when {@code recursive}). Answers a
 * {@link io.filestore.query.metadata.api.FilePage}.
 */
public record ListFilesAsOfQuery(Actor caller, Instant at, String folder, boolean recursive, int offset, int limit) {
}
