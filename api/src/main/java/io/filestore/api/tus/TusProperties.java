package io.filestore.api.tus;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code filestore.uploads.*}: resumable (tus) uploads.
 *
 * @param expiration         an unfinished upload untouched for this long is deleted and its space reclaimed; a
 *                           finished one's record (offset, file id) is kept as long
 * @param cleanupInterval    how often expired uploads are removed and interrupted completions retried
 * @param maxOpenPerUser     unfinished uploads one user may have at once (more: 429)
 * @param maxOpen            unfinished uploads on the whole service (more: 503 with Retry-After)
 * @param fsync              force received bytes and state to disk at the end of every PATCH
 * @param bufferSize         copy buffer of one PATCH
 * @param corsAllowedOrigins origins allowed to call {@code /api/uploads} from a browser (empty: no CORS headers)
 */
@ConfigurationProperties("filestore.uploads")
public record TusProperties(
        @DefaultValue("24h") Duration expiration,
        @DefaultValue("5m") Duration cleanupInterval,
        @DefaultValue("1000") int maxOpenPerUser,
        @DefaultValue("10000") int maxOpen,
        @DefaultValue("true") boolean fsync,
        @DefaultValue("64KB") DataSize bufferSize,
        List<String> corsAllowedOrigins) {

    /** The largest {@code buffer-size}: 16 MiB. */
    public static final int MAX_BUFFER_SIZE = 16 * 1024 * 1024;

    public TusProperties {
        corsAllowedOrigins = corsAllowedOrigins == null ? List.of() : List.copyOf(corsAllowedOrigins);
        if (expiration.isNegative() || expiration.isZero()) {
            throw new IllegalArgumentException("filestore.uploads.expiration must be positive");
        }
        if (maxOpenPerUser < 1 || maxOpen < 1) {
            throw new IllegalArgumentException("filestore.uploads.max-open(-per-user) must be at least 1");
        }
        if (bufferSize.toBytes() < 4096 || bufferSize.toBytes() > MAX_BUFFER_SIZE) {
            throw new IllegalArgumentException("filestore.uploads.buffer-size must be between 4KB and 16MB");
        }
    }
}
