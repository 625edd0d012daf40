package io.filestore.api.config;

import io.filestore.replay.BackupSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The settings of backup, restore and rebuild (module projections-replay), from {@link BackupProperties}. */
@Configuration(proxyBeanMethods = false)
public class ReplayConfiguration {

    @Bean
    public BackupSettings backupSettings(FilestoreProperties properties, BackupProperties backup) {
        return new BackupSettings(backup.resolveDirectory(properties.dataDir()), backup.lockTimeout(),
                backup.replayTimeout());
    }
}
