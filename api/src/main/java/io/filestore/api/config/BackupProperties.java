package io.filestore.api.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code filestore.backup.*}: where backups go ({@code directory}, default {@code <data-dir>/backups}), the longest
 * wait for the event table lock, the longest a restore or rebuild waits for the projections to catch up, and the
 * longest a restore waits for the other instances to stop their event processors.
 */
@ConfigurationProperties("filestore.backup")
public record BackupProperties(
        Path directory,
        @DefaultValue("10s") Duration lockTimeout,
        @DefaultValue("6h") Duration replayTimeout,
        @DefaultValue("60s") Duration pauseTimeout) {

    public Path resolveDirectory(Path dataDir) {
        return directory != null ? directory.toAbsolutePath().normalize() : dataDir.resolve("backups");
    }
}
