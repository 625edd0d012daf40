package io.filestore.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.replay.OperationGuard.Kind;
import io.filestore.testsupport.TestServicesSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The rules of which operations may run together, against the real PostgreSQL: {@code guard} and {@code other} are
 * two instances on one database (two data sources, so two sets of sessions), and the rules hold across them as
 * within one.
 */
class OperationGuardTest {

    private final List<OperationGuard> guards = new ArrayList<>();
    private final OperationGuard guard = guard(List.of());
    private final OperationGuard other = guard(List.of());

    private static PGSimpleDataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(TestServicesSource.services().jdbcUrl());
        dataSource.setUser(TestServicesSource.services().user());
        dataSource.setPassword(TestServicesSource.services().password());
        return dataSource;
    }

    private OperationGuard guard(List<String> otherInstances) {
        OperationGuard created = new OperationGuard(dataSource(), () -> false, () -> otherInstances);
        guards.add(created);
        return created;
    }

    @AfterEach
    void endEverything() {
        for (OperationGuard g : guards) {
            for (Kind kind : Kind.values()) {
                g.end(kind);
            }
        }
    }

    @Test
    void aBackupAndARebuildMayRunTogetherButNotTwoBackups() {
        guard.begin(Kind.BACKUP);
        guard.begin(Kind.REBUILD);

        assertThatThrownBy(() -> guard.begin(Kind.BACKUP)).isInstanceOf(OperationConflictException.class)
                .hasMessage("a backup is already running");
        assertThatThrownBy(() -> other.begin(Kind.BACKUP)).isInstanceOf(OperationConflictException.class)
                .hasMessage("a backup is already running");
        assertThatThrownBy(() -> other.begin(Kind.REBUILD)).hasMessage("a rebuild is already running");
    }

    @Test
    void aRestoreRunsAlone() {
        guard.begin(Kind.BACKUP);
        assertThatThrownBy(() -> guard.begin(Kind.RESTORE)).hasMessage("a backup is running");
        assertThatThrownBy(() -> other.begin(Kind.RESTORE)).hasMessage("a backup is running");
        guard.end(Kind.BACKUP);

        guard.begin(Kind.RESTORE);
        assertThatThrownBy(() -> guard.begin(Kind.REBUILD)).hasMessage("a restore is running");
        assertThatThrownBy(() -> other.begin(Kind.REBUILD)).hasMessage("a restore is running");
        assertThatThrownBy(() -> other.begin(Kind.RESTORE)).hasMessage("a restore is running");
        guard.end(Kind.RESTORE);
        other.begin(Kind.REBUILD);
    }

    @Test
    void aBlobCollectionNeverOverlapsARestoreOrARebuild() {
        guard.begin(Kind.BLOB_COLLECTION);
        assertThatThrownBy(() -> other.begin(Kind.REBUILD)).isInstanceOf(OperationConflictException.class)
                .hasMessage("a rebuild and a blob garbage collection cannot run together");
        assertThatThrownBy(() -> guard.begin(Kind.REBUILD)).isInstanceOf(OperationConflictException.class);
        assertThatThrownBy(() -> other.begin(Kind.RESTORE)).hasMessage("a blob collection is running");
        other.begin(Kind.BACKUP);
        guard.end(Kind.BLOB_COLLECTION);

        other.begin(Kind.REBUILD);
        assertThatThrownBy(() -> guard.begin(Kind.BLOB_COLLECTION)).isInstanceOf(OperationConflictException.class);
    }

    @Test
    void aRefusedBeginKeepsNoLock() {
        guard.begin(Kind.BLOB_COLLECTION);
        assertThatThrownBy(() -> other.begin(Kind.REBUILD)).isInstanceOf(OperationConflictException.class);
        guard.end(Kind.BLOB_COLLECTION);

        // the refused rebuild took the restore lock (shared) and the rebuild lock before the views lock failed
        guard.begin(Kind.RESTORE);
    }

    @Test
    void anInstanceThatDiesReleasesItsOperations() throws SQLException {
        PGSimpleDataSource source = dataSource();
        Connection[] session = new Connection[1];
        OperationGuard dying = new OperationGuard(new org.springframework.jdbc.datasource.AbstractDataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                session[0] = source.getConnection();
                return session[0];
            }

            @Override
            public Connection getConnection(String username, String password) {
                throw new UnsupportedOperationException();
            }
        }, () -> false, List::of);
        dying.begin(Kind.RESTORE);
        assertThatThrownBy(() -> guard.begin(Kind.BACKUP)).hasMessage("a restore is running");

        // the instance's process ends: PostgreSQL ends its session, as when the client's connection dies
        try (Connection admin = dataSource().getConnection();
             PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
            kill.setInt(1, session[0].unwrap(org.postgresql.PGConnection.class).getBackendPID());
            kill.execute();
        }

        guard.begin(Kind.BACKUP);
    }

    @Test
    void refusesARebuildWhileOtherInstancesAreLiveButNotARestore() {
        OperationGuard crowded = guard(List.of("host-b:8080", "host-c:8080"));

        assertThatThrownBy(() -> crowded.beginWithin(Kind.REBUILD, java.time.Duration.ofMinutes(1)))
                .isInstanceOfSatisfying(OtherInstancesLiveException.class, e -> {
                    assertThat(e.instances()).containsExactly("host-b:8080", "host-c:8080");
                    assertThat(e.getMessage()).contains("host-b:8080, host-c:8080").contains("stop");
                });
        guard.begin(Kind.REBUILD); // the refusal kept no lock
        guard.end(Kind.REBUILD);
        crowded.begin(Kind.BACKUP); // reads only: fine beside other instances
        crowded.end(Kind.BACKUP);

        // the other instances follow a restore (RestoreFollower): it runs beside them, alone among operations
        crowded.begin(Kind.RESTORE);
        assertThatThrownBy(() -> guard.begin(Kind.BACKUP)).hasMessage("a restore is running");
        crowded.end(Kind.RESTORE);
    }

    @Test
    void aRecoveryAtStartLeavesAloneWhatAnotherLiveInstanceIsRunning() {
        OperationGuard starting = guard(List.of("host-a:8080"));
        other.begin(Kind.BACKUP); // running on the live instance: its row is RUNNING in the table

        assertThat(starting.beginRecovery(Kind.BACKUP, java.time.Duration.ZERO)).isFalse();
        assertThat(starting.beginRecovery(Kind.RESTORE, java.time.Duration.ZERO)).isFalse();
        other.end(Kind.BACKUP);

        // nothing running anywhere: the recovery may roll back beside other instances...
        assertThat(starting.beginRecovery(Kind.RESTORE, java.time.Duration.ZERO)).isTrue();
        assertThatThrownBy(() -> other.begin(Kind.BACKUP)).hasMessage("a restore is running");
        // ...but a rebuild, which resets processors that the others do not stop, needs them gone
        assertThatThrownBy(() -> starting.requireAlone(Kind.REBUILD))
                .isInstanceOf(OtherInstancesLiveException.class);
        starting.end(Kind.RESTORE);
        other.begin(Kind.BACKUP);
    }

    @Test
    void idsSortByTimeAndAreSafeFileNames() {
        String id = OperationIds.next(Instant.parse("2026-03-21T10:15:30.5Z"));

        assertThat(id).matches("20260321T101530Z-[0-9a-f]{6}");
        assertThat(OperationIds.isValid(id)).isTrue();
        assertThat(OperationIds.isValid("../20260321T101530Z-abcdef")).isFalse();
        assertThat(OperationIds.isValid(null)).isFalse();
    }

    @Test
    void refusesABlobCollectionWhileAnInterruptedRestoreOrRebuildIsUnfinished() {
        OperationGuard afterCrash = new OperationGuard(dataSource(), () -> true, List::of);
        guards.add(afterCrash);

        assertThatThrownBy(() -> afterCrash.begin(Kind.BLOB_COLLECTION))
                .isInstanceOf(OperationConflictException.class).hasMessageContaining("interrupted");
        afterCrash.begin(Kind.RESTORE); // the resume itself may begin
    }
}
