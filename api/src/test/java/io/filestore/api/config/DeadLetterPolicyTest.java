package io.filestore.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.sql.SQLException;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.EnqueueDecision;
import org.axonframework.messaging.deadletter.GenericDeadLetter;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

class DeadLetterPolicyTest {

    private final DeadLetterPolicy policy = new DeadLetterPolicy();
    private final DeadLetter<EventMessage<?>> letter =
            new GenericDeadLetter<>("file-1", GenericEventMessage.asEventMessage("payload"));

    @Test
    void parksAFailureOfTheEventWithItsCauseWithoutNulAndCountsTheAttempt() {
        Throwable cause = new DataIntegrityViolationException("bad \u0000 row",
                new SQLException("invalid byte sequence for encoding \"UTF8\": 0x00"));

        EnqueueDecision<EventMessage<?>> decision = policy.decide(letter, cause);

        assertThat(decision.shouldEnqueue()).isTrue();
        Throwable parked = decision.enqueueCause().orElseThrow();
        assertThat(parked.getMessage()).doesNotContain("\u0000").contains("bad  row")
                .contains("invalid byte sequence");
        DeadLetter<? extends EventMessage<?>> withDiagnostics = decision.withDiagnostics(letter);
        assertThat(withDiagnostics.diagnostics().get(DeadLetterPolicy.ATTEMPTS)).isEqualTo(1L);
        DeadLetter<EventMessage<?>> again = new GenericDeadLetter<EventMessage<?>>("file-1", letter.message(), cause)
                .withDiagnostics(MetaData.with(DeadLetterPolicy.ATTEMPTS, 1L));
        assertThat(policy.decide(again, cause).withDiagnostics(again).diagnostics().get(DeadLetterPolicy.ATTEMPTS))
                .isEqualTo(2L);
    }

    @Test
    void shortensLongCausesToFitTheColumn() {
        Throwable cause = new IllegalStateException("x".repeat(5000));

        Throwable parked = policy.decide(letter, cause).enqueueCause().orElseThrow();

        assertThat(parked.getMessage()).hasSizeLessThanOrEqualTo(DeadLetterPolicy.MAX_MESSAGE);
    }

    @Test
    void doesNotParkFailuresThatSayNothingAboutTheEvent() {
        for (Throwable transientCause : new Throwable[]{
                new CannotGetJdbcConnectionException("down", new SQLException("refused")),
                new CannotAcquireLockException("deadlock"),
                new IllegalStateException("wrapped", new ConnectException("connection refused"))}) {
            assertThatThrownBy(() -> policy.decide(letter, transientCause))
                    .isInstanceOf(DeadLetterPolicy.TransientProjectionFailure.class)
                    .hasCause(transientCause);
        }
    }
}
