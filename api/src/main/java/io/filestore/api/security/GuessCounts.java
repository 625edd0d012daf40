package io.filestore.api.security;

import java.util.List;
import java.util.Map;

/**
 * Where {@link GuessThrottle} keeps its wrong-password counts: in PostgreSQL, so every instance behind a load
 * balancer sees the same counts ({@link PostgresGuessCounts}), or in this process's memory
 * ({@link MemoryGuessCounts}, the fallback while the database cannot be reached). Times are epoch milliseconds of
 * the wall clock (instances compare each other's timestamps, so keep their clocks synchronized, e.g. with NTP).
 */
interface GuessCounts {

    /** The failures counted under a key: how many, and when the last was (epoch ms). */
    record Failures(int count, long last) {
    }

    /**
     * The counts of {@code keys} whose last failure is not before {@code forgetBefore} (older ones are forgotten).
     *
     * @throws GuessCountsUnavailableException when the counts cannot be read
     */
    Map<String, Failures> current(List<String> keys, long forgetBefore);

    /**
     * Counts one more failure at {@code now} under each key, atomically; a count whose last failure is before
     * {@code forgetBefore} starts again at one.
     *
     * @throws GuessCountsUnavailableException when the counts cannot be written
     */
    void failed(List<String> keys, long now, long forgetBefore);

    /** Forgets the key's count. @throws GuessCountsUnavailableException when it cannot */
    void clear(String key);

    /** Removes every count whose last failure is before {@code forgetBefore}; returns how many. */
    int forget(long forgetBefore);

    /** The counts cannot be reached (the database is down): the caller falls back to memory. */
    final class GuessCountsUnavailableException extends RuntimeException {
        GuessCountsUnavailableException(Throwable cause) {
            super(cause.toString(), cause);
        }
    }
}
