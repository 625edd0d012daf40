package io.filestore.api.it;

import java.time.Duration;

/** Polling for end-to-end tests: a check is asked every 100 ms until it gives a value (or true), up to a deadline. */
final class Await {

    private Await() {
    }

    /** A check that may throw: a throw fails the wait at once. */
    @FunctionalInterface
    interface Check<T> {
        T get() throws Exception;
    }

    /** The first non-null value of {@code check}; an {@link AssertionError} naming {@code what} after {@code wait}. */
    static <T> T until(Check<T> check, Duration wait, String what) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                T value = check.get();
                if (value != null) {
                    return value;
                }
            } catch (Exception e) {
                throw new AssertionError("waiting for " + what + " failed", e);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Returns once {@code check} is true; an {@link AssertionError} naming {@code what} after {@code wait}. */
    static void isTrue(Check<Boolean> check, Duration wait, String what) {
        until(() -> check.get() ? Boolean.TRUE : null, wait, what);
    }
}
