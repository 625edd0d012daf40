package io.filestore.api.search;

import io.filestore.api.config.FilestoreProperties;
import io.filestore.api.config.SearchProperties;
import io.filestore.command.api.FileId;
import io.filestore.query.search.api.SearchVisibility;
import org.springframework.stereotype.Component;

/**
 * The writer's side of read-your-writes for search: after a write, wait (bounded by
 * {@code filestore.read-your-writes-timeout}) until the writer's own search sees it. Never fails the write: when
 * Elasticsearch is down or the index is being rebuilt it returns at once.
 */
@Component
public class SearchReadYourWrites {

    private final SearchVisibility visibility;
    private final FilestoreProperties properties;
    private final boolean enabled;

    public SearchReadYourWrites(SearchVisibility visibility, FilestoreProperties properties,
                                SearchProperties search) {
        this.visibility = visibility;
        this.properties = properties;
        this.enabled = search.readYourWrites();
    }

    /** After a change that leaves the file live (sequence: the aggregate sequence the command answered). */
    public void awaitIndexed(FileId fileId, long sequence) {
        if (enabled) {
            visibility.awaitIndexed(fileId, sequence, properties.readYourWritesTimeout());
        }
    }

    /** After the file went to the trash. */
    public void awaitRemoved(FileId fileId) {
        if (enabled) {
            visibility.awaitRemoved(fileId, properties.readYourWritesTimeout());
        }
    }
}
