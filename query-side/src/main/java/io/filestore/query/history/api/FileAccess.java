package io.filestore.query.history.api;

import java.util.List;

/** The answer to {@link FileAccessAtQuery}: whether the file existed then (in or out of the trash), and who could access it. */
public record FileAccess(boolean existed, List<AccessView> entries) {
}
