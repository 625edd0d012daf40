package io.filestore.api.config;

import io.filestore.api.cluster.Instances;
import io.filestore.replay.BackupSettings;
import io.filestore.replay.ClusterProcesses;
import io.filestore.replay.LiveInstances;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The settings of backup, restore and rebuild (module projections-replay), from {@link BackupProperties}. */
@Configuration(proxyBeanMethods = false)
public class ReplayConfiguration {

    @Bean
    public BackupSettings backupSettings(FilestoreProperties properties, BackupProperties backup) {
        return new BackupSettings(backup.resolveDirectory(properties.dataDir()), backup.lockTimeout(),
                backup.replayTimeout(), backup.pauseTimeout());
    }

    /** The other instances on the database, which a restore or rebuild must not run beside (OperationGuard). */
    @Bean
    public LiveInstances liveInstances(Instances instances) {
        return instances::others;
    }

    /** The service's processes on the database, which a restore waits for (RestoreService, RestoreFollower). */
    @Bean
    public ClusterProcesses clusterProcesses(Instances instances) {
        return new ClusterProcesses() {
            @Override
            public String self() {
                return instances.processName();
            }

            @Override
            public java.util.Set<String> others() {
                try {
                    java.util.Set<String> others = new java.util.HashSet<>(instances.liveProcessNames());
                    others.remove(instances.processName());
                    return others;
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException("cannot list the live instances: " + e.getMessage(), e);
                }
            }
        };
    }
}
