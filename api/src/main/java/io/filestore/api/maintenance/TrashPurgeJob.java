package io.filestore.api.maintenance;

import io.filestore.api.config.FilestoreProperties;
import io.filestore.command.api.FileId;
import io.filestore.command.api.PurgeFileCommand;
import io.filestore.command.api.UserId;
import io.filestore.query.metadata.api.ExpiredTrashQuery;
import java.time.Instant;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Purges files that have been in the trash longer than {@code filestore.trash.retention}. */
@Component
public class TrashPurgeJob {

    static final UserId SYSTEM = new UserId("system");
    private static final Logger log = LoggerFactory.getLogger(TrashPurgeJob.class);
    private static final int BATCH = 500;

    private final CommandGateway commands;
    private final QueryGateway queries;
    private final FilestoreProperties properties;

    private final io.filestore.replay.restore.MaintenanceMode maintenance;

    private final io.filestore.api.storage.SingletonJobs jobs;

    public TrashPurgeJob(CommandGateway commands, QueryGateway queries, FilestoreProperties properties,
                         io.filestore.replay.restore.MaintenanceMode maintenance,
                         io.filestore.api.storage.SingletonJobs jobs) {
        this.jobs = jobs;
        this.maintenance = maintenance;
        this.commands = commands;
        this.queries = queries;
        this.properties = properties;
    }

    @Scheduled(initialDelayString = "${filestore.trash.purge-interval:1h}",
            fixedDelayString = "${filestore.trash.purge-interval:1h}")
    public void run() {
        if (maintenance.active()) {
            // a restore replaces the views this job reads (and holds their tables): purge after it, not during it
            log.debug("trash purge skipped: a restore is running");
            return;
        }
        // one instance at a time when several share the database
        jobs.tryLock(io.filestore.api.storage.SingletonJobs.Job.TRASH_PURGE).ifPresent(lock -> {
            try (lock) {
                purgeExpired(Instant.now());
            }
        });
    }

    /** Purges every file trashed before {@code now - retention}; returns how many were purged. */
    public int purgeExpired(Instant now) {
        Instant cutoff = now.minus(properties.trash().retention());
        int purged = 0;
        while (true) {
            List<FileId> expired = queries.query(new ExpiredTrashQuery(cutoff, BATCH),
                    ResponseTypes.multipleInstancesOf(FileId.class)).join();
            int before = purged;
            for (FileId fileId : expired) {
                try {
                    commands.sendAndWait(new PurgeFileCommand(fileId, io.filestore.command.api.Actor.user(SYSTEM), true));
                    purged++;
                } catch (RuntimeException e) {
                    log.warn("could not purge {}: {}", fileId, e.toString());
                }
            }
            if (expired.size() < BATCH || purged == before) {
                break;
            }
        }
        if (purged > 0) {
            log.info("purged {} file(s) trashed before {}", purged, cutoff);
        }
        return purged;
    }
}
