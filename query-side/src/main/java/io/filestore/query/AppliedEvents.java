package io.filestore.query;

import java.time.Duration;

/**
 * What a view has applied, so that a writer reads its own write. Each view (processing group) has exactly one.
 * The view's processor signals every event it applied, once its transaction committed ({@link #applied}); a writer
 * that has just stored events waits, bounded, until every view those events reach shows them
 * ({@link #awaitApplied}). A view that is known to be behind (its last write failed, it is being rebuilt) says so
 * ({@link #knownBehind}) and writers don't wait for it. An event the processor parked in its dead-letter queue
 * counts as applied: waiting for it would only wait out the timeout.
 */
public interface AppliedEvents {

    /** The processing group of the view. */
    String processingGroup();

    /** Whether events of this type change the view (a writer waits only for views its events reach). */
    boolean reaches(Class<?> eventType);

    /** Called by the view's processor after it committed (or parked) event {@code sequence} of the aggregate. */
    void applied(String aggregateId, long sequence);

    /** Whether the view is known to be behind, so that a writer would only wait out its timeout. */
    boolean knownBehind();

    /**
     * Waits until the view has applied the aggregate's events up to {@code sequence}, or {@code timeout} passed.
     *
     * @return whether the view shows them
     */
    boolean awaitApplied(String aggregateId, long sequence, Duration timeout);
}
