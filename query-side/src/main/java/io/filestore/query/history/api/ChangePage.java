package io.filestore.query.history.api;

import java.util.List;

/** One page of {@link ChangesQuery}: files with their changes, and how many files changed in all. */
public record ChangePage(List<FileChanges> files, long total) {
}
