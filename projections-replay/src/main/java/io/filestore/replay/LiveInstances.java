package io.filestore.replay;

import java.util.List;

/**
 * The other service instances running on this database now (the api module answers from PostgreSQL's sessions).
 * A restore or a projection rebuild resets event processors, which Axon can only do where they are stopped, so
 * {@link OperationGuard} refuses those while this list is not empty.
 */
@FunctionalInterface
public interface LiveInstances {

    /** The names of the other live instances; empty when this one runs alone. */
    List<String> others();
}
