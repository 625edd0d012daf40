package io.filestore.replay.restore;

import java.util.HashSet;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code restore_pause} table: which processes have stopped their event processors for a restore. Written by
 * {@link RestoreFollower} on the other instances, read by the restoring one before it loads the events.
 */
@Component
public class RestorePauses {

    private final JdbcClient jdbc;

    public RestorePauses(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records that {@code process} has stopped its processors for restore {@code operationId}. */
    public void paused(String operationId, String process) {
        jdbc.sql("INSERT INTO restore_pause (operation_id, process) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .params(operationId, process).update();
    }

    /** The processes that have stopped their processors for restore {@code operationId}. */
    public Set<String> pausedFor(String operationId) {
        return new HashSet<>(jdbc.sql("SELECT process FROM restore_pause WHERE operation_id = ?")
                .param(operationId).query(String.class).list());
    }

    /** {@code process} runs its processors again. */
    public void resumed(String process) {
        jdbc.sql("DELETE FROM restore_pause WHERE process = ?").param(process).update();
    }

    /** The restore has ended: its answers are no longer needed. */
    public void forget(String operationId) {
        jdbc.sql("DELETE FROM restore_pause WHERE operation_id = ?").param(operationId).update();
    }
}
