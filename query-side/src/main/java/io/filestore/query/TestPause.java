package io.filestore.query;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TEST-ONLY hook, off unless the environment variable {@code FILESTORE_TEST_PAUSE_AT} names a directory: a long
 * operation reaching a point (e.g. {@code restore.replay}) for which that directory holds a file of the same name
 * logs {@code "test pause reached: <point>"} and blocks there until the process is killed, so that an end-to-end
 * test can kill -9 the service in exactly that phase (the test arms a point by creating the file, without a
 * restart). Unset, it costs nothing. Never set it in a production configuration: an operation could block for ever.
 */
public final class TestPause {

    private static final Logger log = LoggerFactory.getLogger(TestPause.class);
    private static final Path DIRECTORY = directory(System.getenv("FILESTORE_TEST_PAUSE_AT"));

    private TestPause() {
    }

    /** Blocks forever when {@code point} is armed; returns at once otherwise (always, when the hook is off). */
    public static void at(String point) {
        if (DIRECTORY == null || !Files.exists(DIRECTORY.resolve(point))) {
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

    private static Path directory(String value) {
        return value == null || value.isBlank() ? null : Paths.get(value);
    }
}
