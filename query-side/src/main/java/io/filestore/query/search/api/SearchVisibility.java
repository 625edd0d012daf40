package io.filestore.query.search.api;

import io.filestore.command.api.FileId;
import java.time.Duration;

/**
 * Read-your-writes for search: a writer waits, bounded, until its own change is visible to searches. Searches
 * themselves never force a refresh; a waiting writer causes at most one (shared) refresh. While the index is being
 * rebuilt, Elasticsearch is unreachable, or the projection's last batch could not be written (it is retrying with
 * back-off, so the index is known to be behind) the methods return false at once instead of waiting.
 */
public interface SearchVisibility {

    /** Waits until the index reflects aggregate sequence {@code sequence} of the file and searches can see it. */
    boolean awaitIndexed(FileId fileId, long sequence, Duration timeout);

    /** Waits until the file has left the index (it was trashed or purged) and searches no longer find it. */
    boolean awaitRemoved(FileId fileId, Duration timeout);
}
