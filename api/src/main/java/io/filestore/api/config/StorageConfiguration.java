package io.filestore.api.config;

import io.filestore.blob.BlobStore;
import io.filestore.blob.BlobStoreSettings;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The blob store, built from {@link BlobStoreProperties}. */
@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

    @Bean
    public BlobStore blobStore(FilestoreProperties properties, BlobStoreProperties blobs) {
        List<Path> nodes = blobs.resolveNodes(properties.dataDir());
        log.info("Data directory {}; blob store nodes {} with replication factor {}",
                properties.dataDir(), nodes, blobs.replicationFactor());
        return new BlobStore(new BlobStoreSettings(nodes, blobs.replicationFactor(), blobs.minFreeSpace().toBytes(),
                blobs.fsync(), blobs.verifiedCacheEntries(), blobs.verifiedMaxAge(), blobs.healQueueCapacity(),
                blobs.locations()));
    }
}
