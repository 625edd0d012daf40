package io.filestore.query.search;

import java.util.OptionalLong;

/** Control of the search projection's event processor, as the index manager needs it for a rebuild. */
interface ProjectionReplay {

    /** Stops the processor, resets its tokens (which calls the projection's reset handler) and starts it again. */
    void replay();

    /**
     * The lowest event position the processor has processed over all its segments, empty unless this process
     * holds every segment (the whole event stream) and none is in error.
     */
    OptionalLong lowestPosition();

    /**
     * Whether the processor has already processed events (so an index created now would miss them); true when
     * it cannot tell (it holds no segment yet).
     */
    boolean processedAny();

    /** The position of the newest event in the event store, -1 when the store is empty. */
    long headPosition();
}
