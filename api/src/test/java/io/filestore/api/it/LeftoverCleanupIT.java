package io.filestore.api.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Leftovers of writes a crash interrupted are removed soon after a start, not only after a full collection
 * interval (one hour here, far longer than the test): an abandoned upload temp file on a node and a partial backup
 * copy go once they are older than the temp grace period (10 minutes here), a file still being written stays. On an
 * empty event store no blob is collected.
 */
class LeftoverCleanupIT {

    @Test
    void removesAbandonedTempFilesAndPartialBackupCopiesSoonAfterAStart() throws Exception {
        String emptyStore = TestServices.databaseUrl("leftovers_it");
        TestServices.recreateDatabase(emptyStore);
        RunningApp app = RunningApp.dedicated("leftovers", Map.of(
                "FILESTORE_DB_URL", emptyStore,
                "FILESTORE_BLOB_STORE_GARBAGE_COLLECTION_INTERVAL", "1h",
                "FILESTORE_BLOB_STORE_GARBAGE_COLLECTION_INITIAL_DELAY", "2s",
                "FILESTORE_BLOB_STORE_TEMP_GRACE_PERIOD", "10m"));
        RunningApp restarted = null;
        try {
            app.stop();
            FileTime anHourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
            Path upload = Files.writeString(Files.createDirectories(app.nodes().get(0).resolve("tmp"))
                    .resolve("put-crashed.tmp"), "half an upload");
            Files.setLastModifiedTime(upload, anHourAgo);
            Path backupCopy = Files.writeString(Files.createDirectories(app.dataDir.resolve("backups/blobs/tmp"))
                    .resolve("copy-crashed.tmp"), "half a backup copy");
            Files.setLastModifiedTime(backupCopy, anHourAgo);
            Path fresh = Files.writeString(app.nodes().get(1).resolve("tmp").resolve("put-in-progress.tmp"),
                    "still being written");
            // a blob no event references, long past its grace period: but this app's event store is empty (as with
            // a wrongly configured database), so it must not be collected
            String sha = "ab".repeat(32);
            Path blob = Files.writeString(Files.createDirectories(app.nodes().get(0)
                    .resolve("blobs").resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4))).resolve(sha), "x");
            Files.setLastModifiedTime(blob, anHourAgo);

            restarted = app.restart();

            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((Files.exists(upload) || Files.exists(backupCopy)) && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            assertThat(upload).as("an abandoned upload temp file").doesNotExist();
            assertThat(backupCopy).as("a partial backup copy").doesNotExist();
            assertThat(fresh).as("a temp file younger than the grace period").exists();
            RunningApp started = restarted;
            long logDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.readString(started.log).contains("skipped: the event store is empty")
                    && System.nanoTime() < logDeadline) {
                Thread.sleep(500);
            }
            assertThat(started.log).content().contains("blob garbage collection skipped: the event store is empty");
            assertThat(blob).as("no blob is collected on an empty event store").exists();
        } finally {
            if (restarted != null) {
                restarted.stop();
            }
        }
    }
}
