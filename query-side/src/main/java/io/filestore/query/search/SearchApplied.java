package io.filestore.query.search;

import io.filestore.command.api.FileId;
import io.filestore.command.api.InvalidValueException;
import io.filestore.query.AppliedSignals;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * What the search index applied. The projection signals the files of each written batch itself
 * ({@link IndexSignals}); a writer waits until its change is in the index and a refresh made it searchable
 * ({@link IndexVisibility}). The index is known to be behind while its last batch could not be written or it is
 * being rebuilt. An event applied by another instance's search processor (announced to this one through
 * {@link #applied}) wakes this instance's writers the same way.
 */
@Component
public class SearchApplied extends AppliedSignals {

    private final IndexVisibility visibility;
    private final IndexSignals signals;
    private final SearchIndexManager manager;

    public SearchApplied(IndexVisibility visibility, IndexSignals signals, SearchIndexManager manager) {
        super(SearchProjection.PROCESSING_GROUP, SearchProjection.class);
        this.visibility = visibility;
        this.signals = signals;
        this.manager = manager;
    }

    @Override
    public boolean knownBehind() {
        return signals.writeFailing() || !manager.steadyOnceReady();
    }

    @Override
    public void applied(String aggregateId, long sequence) {
        super.applied(aggregateId, sequence);
        try {
            signals.indexed(new FileId(aggregateId), sequence);
        } catch (InvalidValueException e) {
            // not a file: nothing of it is indexed
        }
    }

    @Override
    public boolean awaitApplied(String aggregateId, long sequence, Duration timeout) {
        FileId fileId;
        try {
            fileId = new FileId(aggregateId);
        } catch (InvalidValueException e) {
            return true; // not a file: nothing of it is indexed
        }
        return visibility.awaitIndexed(fileId, sequence, timeout);
    }
}
