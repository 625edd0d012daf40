package io.filestore.query.search;

import io.filestore.command.api.FileId;
import io.filestore.query.search.api.SearchUnavailableException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The index changes of one processor batch: the latest state of each file touched, written as one bulk request
 * when the batch commits, and announced to waiting writers after the commit.
 */
final class IndexBatch {

    private final SearchIndexManager manager;
    private final IndexSignals signals;
    private final Map<FileId, FileState> states = new LinkedHashMap<>();

    IndexBatch(SearchIndexManager manager, IndexSignals signals) {
        this.manager = manager;
        this.signals = signals;
    }

    FileState state(FileId fileId) {
        return states.get(fileId);
    }

    void put(FileState state) {
        states.put(state.fileId(), state);
    }

    void flush() {
        try {
            manager.write(states.values());
        } catch (IOException e) {
            throw new SearchUnavailableException("could not write " + states.size() + " file(s) to the search index: "
                    + e.getMessage(), e);
        }
    }

    void signal() {
        states.values().forEach(state -> signals.indexed(state.fileId(), state.sequence()));
    }
}
