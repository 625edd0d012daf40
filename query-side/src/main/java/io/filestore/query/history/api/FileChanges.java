package io.filestore.query.history.api;

import java.util.List;

/**
 * The changes of one file in a window, oldest first, and their kinds (each once); {@code name} and {@code folder}
 * are the file's as of its last change in the window (empty for a purge).
 */
public record FileChanges(String fileId, String name, String folder, List<String> kinds, List<ChangeView> changes) {
}
