package io.filestore.api.web;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A bounded wait until a view shows a change just made (read-your-writes for views without a change signal). */
public final class ViewWait {

    static final Duration LIMIT = Duration.ofSeconds(5);

    private ViewWait() {
    }

    /** Re-checks {@code visible} every 10 ms for at most 5 s; returns whether it became true. */
    public static boolean until(BooleanSupplier visible) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!visible.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
