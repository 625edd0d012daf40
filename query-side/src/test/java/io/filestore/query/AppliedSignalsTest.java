package io.filestore.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.command.api.FileDeletedEvent;
import io.filestore.command.api.FileUploadedEvent;
import io.filestore.command.api.UserCreatedEvent;
import io.filestore.query.shares.SharesApplied;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.axonframework.eventhandling.EventHandler;
import org.junit.jupiter.api.Test;

class AppliedSignalsTest {

    static class Projection {
        @EventHandler
        void on(FileUploadedEvent event) {
        }

        @EventHandler
        void on(FileDeletedEvent event, @org.axonframework.eventhandling.SequenceNumber long seq) {
        }
    }

    private final AppliedSignals view = new AppliedSignals("test", Projection.class);

    @Test
    void reachesExactlyTheEventTypesItsProjectionHandles() {
        assertThat(view.reaches(FileUploadedEvent.class)).isTrue();
        assertThat(view.reaches(FileDeletedEvent.class)).isTrue();
        assertThat(view.reaches(UserCreatedEvent.class)).isFalse();
        assertThat(new SharesApplied().reaches(UserCreatedEvent.class)).isFalse();
    }

    @Test
    void answersAtOnceForAnAppliedSequence() {
        view.applied("a", 3);
        assertThat(view.awaitApplied("a", 2, Duration.ZERO)).isTrue();
        assertThat(view.awaitApplied("a", 3, Duration.ZERO)).isTrue();
        assertThat(view.awaitApplied("a", 4, Duration.ZERO)).isFalse();
        assertThat(view.awaitApplied("b", 0, Duration.ZERO)).isFalse();
    }

    @Test
    void aWaitingWriterIsWokenByTheSignalOfItsAggregate() throws Exception {
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(
                () -> view.awaitApplied("a", 1, Duration.ofMinutes(5)));
        view.applied("other", 7);
        view.applied("a", 0);
        Thread.sleep(50);
        assertThat(waiting).isNotDone();
        view.applied("a", 1);
        assertThat(waiting.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void givesUpAfterTheTimeout() {
        assertThat(view.awaitApplied("a", 0, Duration.ofMillis(50))).isFalse();
    }

    @Test
    void aViewThatReadsItsStoreAnswersWithoutASignal() {
        AppliedSignals stored = new AppliedSignals("test", Projection.class) {
            @Override
            protected boolean shows(String aggregateId, long sequence) {
                return aggregateId.equals("kept") && sequence <= 5;
            }
        };
        assertThat(stored.awaitApplied("kept", 5, Duration.ZERO)).isTrue();
        assertThat(stored.awaitApplied("kept", 6, Duration.ZERO)).isFalse();
    }
}
