package io.filestore.query.search;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import io.filestore.command.api.FileId;
import io.filestore.query.search.api.SearchVisibility;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Read-your-writes for search. A writer first waits (woken per file by the projection, re-checked with a real-time
 * GET) until its change is in the index, then for one refresh that started after that, so a search sees it.
 * Refreshes are shared: at most one runs at a time and it serves every writer that was waiting when it started,
 * so concurrent uploads cause one refresh per round trip, not one per upload; nothing refreshes while no writer
 * waits, and searches never do.
 */
@Component
public class IndexVisibility implements SearchVisibility {

    private static final Logger log = LoggerFactory.getLogger(IndexVisibility.class);
    /** No check beyond the signalled one (which is itself re-checked once at the timeout). */
    private static final IndexCondition NOT_ASKED = target -> false;

    private final FileIndex index;
    private final SearchIndexManager manager;
    private final IndexSignals signals;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition refreshed = lock.newCondition();
    private long requested;
    private long completed;
    private boolean refreshing;

    public IndexVisibility(FileIndex index, SearchIndexManager manager, IndexSignals signals) {
        this.index = index;
        this.manager = manager;
        this.signals = signals;
    }

    /**
     * Waits for the projection's signal that the file is indexed at {@code sequence} (this instance's projection,
     * or another instance's through its applied notice). Elasticsearch is asked (a real-time GET of the document's
     * version) only when no signal came in time: a signal lost, or forgotten among more than
     * {@value IndexSignals#REMEMBERED} files. Asking it at every wake-up cost each write a GET that nearly always
     * said "not yet" (the write's own event was committed an instant before).
     */
    @Override
    public boolean awaitIndexed(FileId fileId, long sequence, Duration timeout) {
        return await(fileId, timeout, target -> signals.lastIndexed(fileId) >= sequence,
                target -> index.version(target, fileId) >= sequence + 1);
    }

    @Override
    public boolean awaitRemoved(FileId fileId, Duration timeout) {
        return await(fileId, timeout, target -> index.version(target, fileId) < 0, NOT_ASKED);
    }

    /**
     * Waits until {@code signalled} holds (re-checked at each signal for the file and once at the timeout), or at the
     * timeout {@code fallback} holds, then for a refresh.
     */
    private boolean await(FileId fileId, Duration timeout, IndexCondition signalled, IndexCondition fallback) {
        if (signals.writeFailing() || !manager.steadyOnceReady()) {
            return false;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            String target = manager.writeIndex();
            if (!signals.await(fileId, () -> signalled.holds(target), timeout)
                    && !fallback.holds(target)) {
                log.debug("search: file {} not indexed within {}", fileId, timeout);
                return false;
            }
            return refresh(target, deadline);
        } catch (IOException | ElasticsearchException e) {
            manager.healthy(false);
            log.debug("search: cannot wait for file {}: {}", fileId, e.toString());
            return false;
        }
    }

    /** Waits for a refresh of {@code target} that starts after this call; runs it when none is running. */
    boolean refresh(String target, long deadline) throws IOException {
        long covers;
        lock.lock();
        try {
            long ticket = ++requested;
            while (true) {
                if (completed >= ticket) {
                    return true;
                }
                if (!refreshing) {
                    refreshing = true;
                    covers = requested; // every writer waiting now is served by this refresh
                    break;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                try {
                    refreshed.awaitNanos(remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        } finally {
            lock.unlock();
        }
        boolean done = false;
        try {
            index.refresh(target);
            done = true;
            return true;
        } finally {
            lock.lock();
            try {
                refreshing = false;
                if (done) {
                    completed = Math.max(completed, covers);
                }
                refreshed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    @FunctionalInterface
    private interface IndexCondition {
        boolean holds(String target) throws IOException;
    }
}
