package io.filestore.api.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code filestore.encryption.*}: encryption at rest of blobs. The master key comes from {@code keyset-file}, else
 * the environment variable {@code FILESTORE_ENCRYPTION_KEYSET} (a Tink JSON keyset), else
 * {@code <data-dir>/encryption/master-keyset.json} (generated on the first start when encryption is enabled).
 */
@ConfigurationProperties("filestore.encryption")
public record EncryptionProperties(@DefaultValue("true") boolean enabled, Path keysetFile) {
}
