package io.filestore.query.search;

import io.filestore.command.api.FileId;
import io.filestore.query.search.api.SearchUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.eventhandling.EventMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index changes of one processor batch: the latest state of each file touched, written as one bulk request
 * when the batch commits, and announced to waiting writers after the commit. A failed write is recorded in
 * {@link IndexSignals}, so writers stop waiting for the index until a batch is written again. A document
 * Elasticsearch refuses as such (not for being unreachable) has its file's events of the batch parked, so that the
 * rest of the batch commits; without a way to park them, the batch fails as a whole.
 */
final class IndexBatch {

    private static final Logger log = LoggerFactory.getLogger(IndexBatch.class);

    /** Parks the events of a file whose document was refused; answers whether it could. */
    interface Parking {
        boolean park(FileId fileId, List<EventMessage<?>> messages, String reason);
    }

    private final SearchIndexManager manager;
    private final IndexSignals signals;
    private final Parking parking;
    private final Map<FileId, FileState> states = new LinkedHashMap<>();
    private final Map<FileId, List<EventMessage<?>>> messages = new HashMap<>();

    IndexBatch(SearchIndexManager manager, IndexSignals signals) {
        this(manager, signals, (fileId, events, reason) -> false);
    }

    IndexBatch(SearchIndexManager manager, IndexSignals signals, Parking parking) {
        this.manager = manager;
        this.signals = signals;
        this.parking = parking;
    }

    /** The states of files whose documents Elasticsearch refused and whose events were parked. */
    private final List<FileState> parked = new ArrayList<>();

    FileState state(FileId fileId) {
        return states.get(fileId);
    }

    void put(FileState state) {
        put(state, null);
    }

    /** Records the file's state after {@code message} (null when not known: then it cannot be parked). */
    void put(FileState state, EventMessage<?> message) {
        states.put(state.fileId(), state);
        messages.computeIfAbsent(state.fileId(), id -> new ArrayList<>()).add(message);
    }

    void flush() {
        Map<String, String> refused;
        try {
            refused = manager.write(states.values());
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
        for (Map.Entry<String, String> document : refused.entrySet()) {
            FileId fileId = new FileId(document.getKey());
            List<EventMessage<?>> events = messages.getOrDefault(fileId, List.of());
            if (events.isEmpty() || events.contains(null) || !parking.park(fileId, events, document.getValue())) {
                throw new SearchUnavailableException("could not write file " + fileId + " to the search index: "
                        + document.getValue(), null);
            }
            parked.add(states.remove(fileId));
        }
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.toString() : e.getMessage() + " (" + root + ")";
    }

    /** After the batch committed: every file written, and every file parked (a writer must not wait for it). */
    void signal() {
        states.values().forEach(state -> signals.indexed(state.fileId(), state.sequence()));
        parked.forEach(state -> signals.indexed(state.fileId(), state.sequence()));
    }
}
