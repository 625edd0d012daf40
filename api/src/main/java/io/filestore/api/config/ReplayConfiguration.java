package io.filestore.api.config;

import io.filestore.api.cluster.Instances;
import io.filestore.replay.BackupSettings;
import io.filestore.replay.LiveInstances;
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

    /** The other instances on the database, which a restore or rebuild must not run beside (OperationGuard). */
    @Bean
    public LiveInstances liveInstances(Instances instances) {
        return instances::others;
    }
}
