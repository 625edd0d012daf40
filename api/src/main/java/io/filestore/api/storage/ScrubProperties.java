package io.filestore.api.storage;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code filestore.blob-store.scrub.*}: the background scrub of every referenced blob.
 *
 * @param enabled       whether scrubs start on their own (an administrator can always start one)
 * @param interval      time from the end of one scrub to the start of the next
 * @param initialDelay  time after start before the first check whether a scrub is due (or an interrupted one resumes)
 * @param rate          replica bytes verified per second, at most (0 for no limit)
 * @param batchSize     blob ids read from the database at a time; the scrub's position is saved after each batch
 */
@ConfigurationProperties("filestore.blob-store.scrub")
public record ScrubProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("24h") Duration interval,
        @DefaultValue("1m") Duration initialDelay,
        @DefaultValue("50MB") DataSize rate,
        @DefaultValue("500") int batchSize) {

    public ScrubProperties {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("filestore.blob-store.scrub.interval must be positive");
        }
        if (rate.isNegative()) {
            throw new IllegalArgumentException("filestore.blob-store.scrub.rate must not be negative");
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("filestore.blob-store.scrub.batch-size must be between 1 and 10000");
        }
    }
}
