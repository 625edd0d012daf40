package io.filestore.api.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code filestore.*}: the service-wide settings.
 */
@ConfigurationProperties("filestore")
public record FilestoreProperties(
        @DefaultValue("./data") Path dataDir,
        @DefaultValue("5GB") DataSize maxUploadSize,
        @DefaultValue("5s") Duration readYourWritesTimeout,
        @DefaultValue("100") int snapshotThreshold,
        @DefaultValue("500ms") Duration eventPollInterval,
        @DefaultValue Trash trash,
        @DefaultValue Download download) {

    public FilestoreProperties {
        dataDir = dataDir.toAbsolutePath().normalize();
        if (maxUploadSize.toBytes() <= 0) {
            throw new IllegalArgumentException("filestore.max-upload-size must be positive");
        }
        if (eventPollInterval.toMillis() < 10) {
            throw new IllegalArgumentException("filestore.event-poll-interval must be at least 10ms");
        }
    }

    /** {@code filestore.trash.*}: how long deleted files stay restorable, and how often the purge runs. */
    public record Trash(@DefaultValue("30d") Duration retention, @DefaultValue("1h") Duration purgeInterval) {
    }

    /** {@code filestore.download.*}: copy buffer, and zero-copy sendfile when the connector supports it. */
    public record Download(@DefaultValue("64KB") DataSize bufferSize, @DefaultValue("true") boolean sendfile) {
    }
}
