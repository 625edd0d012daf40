package io.filestore.api.config;

import java.io.IOException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.Decisions;
import org.axonframework.messaging.deadletter.EnqueueDecision;
import org.axonframework.messaging.deadletter.EnqueuePolicy;
import org.axonframework.messaging.deadletter.ThrowableCause;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;

/**
 * What happens to an event a projection failed on. A failure that says nothing about the event (the database or
 * Elasticsearch unreachable, a deadlock, a serialization conflict) is not parked: it fails the batch, which the
 * processor retries with its back-off, as before. Any other failure parks the event with its sequence. The letter
 * counts its attempts in its diagnostics ({@value #ATTEMPTS}); its cause is kept without NUL characters and
 * shortened to fit the table's column.
 */
public class DeadLetterPolicy implements EnqueuePolicy<EventMessage<?>> {

    public static final String ATTEMPTS = "attempts";
    static final int MAX_MESSAGE = 1000;

    @Override
    public EnqueueDecision<EventMessage<?>> decide(DeadLetter<? extends EventMessage<?>> letter, Throwable cause) {
        if (isTransient(cause)) {
            throw new TransientProjectionFailure(cause);
        }
        return Decisions.enqueue(describe(cause), l -> attempted(l.diagnostics()));
    }

    static MetaData attempted(MetaData diagnostics) {
        Object previous = diagnostics.get(ATTEMPTS);
        long attempts = previous instanceof Number n ? n.longValue() : 0;
        return diagnostics.and(ATTEMPTS, attempts + 1);
    }

    static boolean isTransient(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransientDataAccessException || t instanceof RecoverableDataAccessException
                    || t instanceof DataAccessResourceFailureException || t instanceof SQLTransientException
                    || t instanceof SQLRecoverableException || t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** The failure's type and message (and its root cause's, when different), NUL-free, at most 1,000 characters. */
    static ThrowableCause describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(cause.getMessage());
        if (root != cause && root.getMessage() != null && !message.contains(root.getMessage())) {
            message = message + " (caused by " + root.getClass().getName() + ": " + root.getMessage() + ")";
        }
        message = message.replace("\u0000", "");
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE - 1) + "…";
        }
        return new ThrowableCause(cause.getClass().getName(), message);
    }

    /** Thrown instead of parking: the batch fails and the processor retries it. */
    static final class TransientProjectionFailure extends RuntimeException {
        TransientProjectionFailure(Throwable cause) {
            super("transient failure, the batch is retried: " + cause, cause);
        }
    }
}
