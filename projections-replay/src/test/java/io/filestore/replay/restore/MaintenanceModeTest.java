package io.filestore.replay.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filestore.replay.RestoreInProgressException;
import java.util.List;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.junit.jupiter.api.Test;

class MaintenanceModeTest {

    private final MaintenanceMode maintenance = new MaintenanceMode();
    private final CommandMessage<?> command = GenericCommandMessage.asCommandMessage("do something");

    @Test
    void passesCommandsOutsideARestore() {
        assertThat(maintenance.handle(List.of(command)).apply(0, command)).isSameAs(command);
    }

    @Test
    void refusesCommandsDuringARestore() {
        maintenance.begin("20260321T101530Z-abcdef");

        assertThatThrownBy(() -> maintenance.handle(List.of(command)).apply(0, command))
                .isInstanceOf(RestoreInProgressException.class)
                .hasMessageContaining("restore 20260321T101530Z-abcdef is in progress");

        maintenance.end();
        assertThat(maintenance.handle(List.of(command)).apply(0, command)).isSameAs(command);
    }

    @Test
    void refusesCommandsAfterARestartWhileARestoreIsUnfinished() {
        MaintenanceMode afterCrash = new MaintenanceMode(() -> java.util.Optional.of("20260321T101530Z-abcdef"));

        assertThat(afterCrash.active()).isTrue();
        assertThatThrownBy(() -> afterCrash.handle(List.of(command)).apply(0, command))
                .isInstanceOf(RestoreInProgressException.class);

        afterCrash.end(); // the resumed restore finished, or the interrupted one was rolled back
        assertThat(afterCrash.active()).isFalse();
    }

    @Test
    void followsARestoreOfAnotherInstanceButNeverEndsItsOwnOnAnotherInstancesWord() {
        maintenance.observe("20260321T101530Z-0000aa"); // another instance restores
        assertThatThrownBy(() -> maintenance.handle(List.of(command)).apply(0, command))
                .hasMessageContaining("restore 20260321T101530Z-0000aa");
        maintenance.observe(null); // it has ended
        assertThat(maintenance.active()).isFalse();

        // a restore taken over here (its instance died) is this process's own: a stale look at the table that
        // shows none running does not end it
        maintenance.begin("20260321T101530Z-0000bb");
        maintenance.observe(null);
        assertThat(maintenance.active()).isTrue();
        maintenance.end();
        assertThat(maintenance.active()).isFalse();
    }
}
