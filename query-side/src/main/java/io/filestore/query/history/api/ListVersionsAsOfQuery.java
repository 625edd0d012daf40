package io.filestore.query.history.api;

import io.filestore.command.api.FileId;
import java.time.Instant;

/** The versions a file had at {@code at}, newest first (the caller's right to see them is checked before). */
public record ListVersionsAsOfQuery(FileId fileId, Instant at) {
}
