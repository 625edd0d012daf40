package io.filestore.query;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TEST-ONLY hook, off unless the environment variable {@code FILESTORE_TEST_PAUSE_AT} names a point (a
 * comma-separated list, e.g. {@code restore.replay}): a long operation reaching a named point logs
 * {@code "test pause reached: <point>"} and blocks there until the process is killed, so that an end-to-end test can
 * kill -9 the service in exactly that phase. Never set it in a production configuration: the operation would
 * never finish.
 */
public final class TestPause {

    private static final Logger log = LoggerFactory.getLogger(TestPause.class);
    private static final Set<String> POINTS = parse(System.getenv("FILESTORE_TEST_PAUSE_AT"));

    private TestPause() {
    }

    /** Blocks forever when {@code point} is one of the configured points; returns at once otherwise. */
    public static void at(String point) {
        if (!POINTS.contains(point)) {
            return;
        }
        log.warn("test pause reached: {} (FILESTORE_TEST_PAUSE_AT); blocking until the process is killed", point);
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("test pause at " + point + " interrupted", e);
            }
        }
    }

    private static Set<String> parse(String value) {
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }
}
