package io.filestore.api.config;

import io.filestore.blob.BlobEncryption;
import io.filestore.blob.BlobStore;
import io.filestore.blob.BlobStoreSettings;
import io.filestore.blob.S3NodeSettings;
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
    public BlobStore blobStore(FilestoreProperties properties, BlobStoreProperties blobs,
                               EncryptionProperties encryptionProperties) {
        List<Path> nodes = blobs.resolveNodes(properties.dataDir());
        List<S3NodeSettings> s3Nodes = blobs.s3NodeSettings();
        log.info("Data directory {}; blob store nodes {} and S3 nodes {} with replication factor {}",
                properties.dataDir(), nodes, s3Nodes, blobs.replicationFactor());
        // a missing or wrong master key stops the start here, before anything is read or written
        BlobEncryption encryption = BlobEncryption.load(encryptionProperties.enabled(),
                encryptionProperties.keysetFile(), System.getenv("FILESTORE_ENCRYPTION_KEYSET"),
                properties.dataDir());
        return new BlobStore(new BlobStoreSettings(nodes, blobs.replicationFactor(), blobs.minFreeSpace().toBytes(),
                blobs.fsync(), blobs.verifiedCacheEntries(), blobs.verifiedMaxAge(), blobs.healQueueCapacity(),
                blobs.locations(), s3Nodes, blobs.resolveStagingDirectory(properties.dataDir())), encryption);
    }
}
