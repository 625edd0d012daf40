package io.filestore.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.replay.OperationGuard.Kind;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OperationGuardTest {

    private final OperationGuard guard = new OperationGuard();

    @Test
    void aBackupAndARebuildMayRunTogetherButNotTwoBackups() {
        guard.begin(Kind.BACKUP);
        guard.begin(Kind.REBUILD);

        assertThatThrownBy(() -> guard.begin(Kind.BACKUP)).isInstanceOf(OperationConflictException.class)
                .hasMessage("a backup is already running");
    }

    @Test
    void aRestoreRunsAlone() {
        guard.begin(Kind.BACKUP);
        assertThatThrownBy(() -> guard.begin(Kind.RESTORE)).hasMessage("a backup is running");
        guard.end(Kind.BACKUP);

        guard.begin(Kind.RESTORE);
        assertThatThrownBy(() -> guard.begin(Kind.REBUILD)).hasMessage("a restore is running");
        guard.end(Kind.RESTORE);
        guard.begin(Kind.REBUILD);
    }

    @Test
    void aBlobCollectionNeverOverlapsARestoreOrARebuild() {
        guard.begin(Kind.BLOB_COLLECTION);
        assertThatThrownBy(() -> guard.begin(Kind.REBUILD)).isInstanceOf(OperationConflictException.class);
        assertThatThrownBy(() -> guard.begin(Kind.RESTORE)).hasMessage("a blob collection is running");
        guard.begin(Kind.BACKUP);
        guard.end(Kind.BLOB_COLLECTION);

        guard.begin(Kind.REBUILD);
        assertThatThrownBy(() -> guard.begin(Kind.BLOB_COLLECTION)).isInstanceOf(OperationConflictException.class);
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
        OperationGuard afterCrash = new OperationGuard(() -> true);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> afterCrash.begin(OperationGuard.Kind.BLOB_COLLECTION))
                .isInstanceOf(OperationConflictException.class).hasMessageContaining("interrupted");
        afterCrash.begin(OperationGuard.Kind.RESTORE); // the resume itself may begin
    }
}
