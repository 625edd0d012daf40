package io.filestore.replay;

import java.util.Set;

/**
 * The service's processes on this database (the api module answers from PostgreSQL's sessions, which end with their
 * process, kill -9 included): a restore waits until every other one has stopped its event processors
 * ({@link io.filestore.replay.restore.RestoreFollower}).
 */
public interface ClusterProcesses {

    /** This process: {@code <instance id>/<process token>}. */
    String self();

    /**
     * The other live processes, named as {@link #self()} names this one.
     *
     * @throws IllegalStateException when the database cannot be asked
     */
    Set<String> others();
}
