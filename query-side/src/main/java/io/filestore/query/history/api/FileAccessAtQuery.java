package io.filestore.query.history.api;

import io.filestore.command.api.FileId;
import java.time.Instant;

/** Every principal who could read, write or administer the file at {@code at}, and why. */
public record FileAccessAtQuery(FileId fileId, Instant at) {
}
