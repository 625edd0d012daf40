package io.filestore.api.storage;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code filestore.blob-store.rebalance.*}: the background pass that moves blobs to their homes after a node was
 * added.
 *
 * @param rate      replica bytes read per second, at most (0 for no limit)
 * @param batchSize blobs between saves of the pass's position
 */
@ConfigurationProperties("filestore.blob-store.rebalance")
public record RebalanceProperties(
        @DefaultValue("50MB") DataSize rate,
        @DefaultValue("100") int batchSize) {

    public RebalanceProperties {
        if (rate.isNegative()) {
            throw new IllegalArgumentException("filestore.blob-store.rebalance.rate must not be negative");
        }
        if (batchSize < 1 || batchSize > 100_000) {
            throw new IllegalArgumentException("filestore.blob-store.rebalance.batch-size must be between 1 and 100000");
        }
    }
}
