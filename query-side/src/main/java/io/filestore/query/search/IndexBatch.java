package io.filestore.query.search;

import io.filestore.command.api.FileId;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index changes of one processor batch: the latest state of each file touched, written as one bulk request
 * when the batch commits, and announced to waiting writers after the commit. A failed write is recorded in
 * {@link IndexSignals}, so writers stop waiting for the index until a batch is written again.
 */
final class IndexBatch {

    private static final Logger log = LoggerFactory.getLogger(IndexBatch.class);

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
        } catch (IOException | RuntimeException e) {
            if (signals.writeFailed()) {
                log.warn("search: writing to the index failed; the processor retries with back-off until "
                        + "Elasticsearch takes the batch, and writers do not wait for the index meanwhile", e);
            }
            throw new IndexWriteFailedException("could not write " + states.size() + " file(s) to the search index: "
                    + rootCause(e));
        }
        int failures = signals.written();
        if (failures > 0) {
            log.info("search: writing to the index works again after {} failed batch(es)", failures);
        }
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.toString() : e.getMessage() + " (" + root + ")";
    }

    void signal() {
        states.values().forEach(state -> signals.indexed(state.fileId(), state.sequence()));
    }
}
