package io.filestore.query;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Component;

/**
 * Serializes the stop-reset-start sequences of the event processors. A restore stops every processor, loads the
 * events and resets them; a projection rebuild and the search index manager (at start, or on demand) stop one
 * processor, reset it and start it again. Interleaved, one of them starts a processor that another is about to
 * reset, and Axon refuses the reset ("The Processor must be shut down before triggering a reset"). Whoever stops a
 * processor to reset it does so inside {@link #exclusively} or {@link #tryExclusively}.
 */
@Component
public class ProcessorControl {

    private final ReentrantLock lock = new ReentrantLock(true);

    /** Runs {@code action} once no other processor control sequence is running (waits as long as it takes). */
    public void exclusively(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code action} if no other processor control sequence is running, or starts within {@code wait}.
     *
     * @return whether it ran
     */
    public boolean tryExclusively(Duration wait, Runnable action) {
        try {
            if (!lock.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            action.run();
            return true;
        } finally {
            lock.unlock();
        }
    }

}
