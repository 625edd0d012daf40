package io.filestore.api.maintenance;

import io.filestore.api.config.BlobStoreProperties;
import io.filestore.blob.BlobStore;
import io.filestore.command.api.BlobId;
import io.filestore.query.metadata.api.UnreferencedBlobsQuery;
import io.filestore.replay.BackupSettings;
import io.filestore.replay.OperationConflictException;
import io.filestore.replay.OperationGuard;
import io.filestore.replay.backup.BackupBlobs;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Removes blobs that no version of any file references (after a purge, or content stored for an upload that was
 * then refused), once they have been idle for {@code filestore.blob-store.garbage-grace-period}. It runs only when
 * the metadata view has caught up with the event store, because that view is what says which blobs are referenced;
 * the blob store's conditional delete makes a concurrent upload of the same content safe, and never on an event
 * store that has no file at all (a new or wrongly configured database, or a lost one before its restore, would make every blob look
 * unreferenced). Each pass first removes
 * leftovers of interrupted writes: upload temp files on the nodes and partial copies in the backups' {@code blobs/tmp}
 * not modified for {@code filestore.blob-store.temp-grace-period} (a write in progress keeps its file fresh); that
 * part runs even while the metadata view catches up. The first pass runs
 * {@code filestore.blob-store.garbage-collection-initial-delay} after start, so a service restarted more often than
 * the interval still cleans up.
 */
@Component
public class BlobGarbageCollector {

    private static final Logger log = LoggerFactory.getLogger(BlobGarbageCollector.class);
    private static final int BATCH = 1000;
    private static final String METADATA_PROCESSOR = "metadata";

    private final BlobStore blobs;
    private final QueryGateway queries;
    private final EventProcessingConfiguration processing;
    private final BlobStoreProperties properties;
    private final OperationGuard operations;
    private final BackupBlobs backupBlobs;
    private final JdbcClient jdbc;
    private final io.filestore.api.storage.SingletonJobs jobs;

    public BlobGarbageCollector(BlobStore blobs, QueryGateway queries, EventProcessingConfiguration processing,
                                BlobStoreProperties properties, OperationGuard operations,
                                BackupSettings backupSettings, JdbcClient jdbc,
                                io.filestore.api.storage.SingletonJobs jobs) {
        this.jobs = jobs;
        this.jdbc = jdbc;
        this.operations = operations;
        this.backupBlobs = new BackupBlobs(backupSettings.directory());
        this.blobs = blobs;
        this.queries = queries;
        this.processing = processing;
        this.properties = properties;
    }

    @Scheduled(initialDelayString = "${filestore.blob-store.garbage-collection-initial-delay:1m}",
            fixedDelayString = "${filestore.blob-store.garbage-collection-interval:6h}")
    public void run() {
        collect(Instant.now());
    }

    /**
     * One collection pass; returns the number of blobs deleted, or -1 when the pass was skipped. A pass never
     * overlaps a restore or a projection rebuild (their emptied views would make live blobs look unreferenced), nor
     * a pass on another instance sharing the database (a PostgreSQL advisory lock, {@link
     * io.filestore.api.storage.SingletonJobs}).
     */
    public int collect(Instant now) {
        var lock = jobs.tryLock(io.filestore.api.storage.SingletonJobs.Job.BLOB_COLLECTION);
        if (lock.isEmpty()) {
            return -1;
        }
        try (var held = lock.get()) {
            return collectOnThisInstance(now);
        }
    }

    private int collectOnThisInstance(Instant now) {
        try {
            operations.begin(OperationGuard.Kind.BLOB_COLLECTION);
        } catch (OperationConflictException e) {
            log.info("blob garbage collection skipped: {}", e.getMessage());
            return -1;
        }
        try {
            return collectWhileGuarded(now);
        } finally {
            operations.end(OperationGuard.Kind.BLOB_COLLECTION);
        }
    }

    private int collectWhileGuarded(Instant now) {
        cleanupLeftovers();
        if (eventStoreEmpty()) {
            // a new or wrongly configured database, or a disaster before its restore: every blob would look unused
            log.info("blob garbage collection skipped: the event store is empty (it has no file)");
            return -1;
        }
        if (!metadataViewCaughtUp()) {
            log.info("blob garbage collection skipped: the metadata view is still catching up");
            return -1;
        }
        Instant idleSince = now.minus(properties.garbageGracePeriod());
        int deleted = 0;
        try (Stream<String> all = blobs.list()) {
            Iterator<String> ids = all.iterator();
            List<BlobId> batch = new ArrayList<>(BATCH);
            while (ids.hasNext()) {
                batch.add(new BlobId(ids.next()));
                if (batch.size() == BATCH || !ids.hasNext()) {
                    deleted += deleteUnreferenced(batch, idleSince);
                    batch.clear();
                }
            }
        }
        if (deleted > 0) {
            log.info("blob garbage collection deleted {} unreferenced blob(s)", deleted);
        }
        return deleted;
    }

    private void cleanupLeftovers() {
        blobs.cleanupTemp(properties.tempGracePeriod());
        try {
            int removed = backupBlobs.cleanupTemp(properties.tempGracePeriod());
            if (removed > 0) {
                log.info("Removed {} partial backup blob copie(s) left by an interrupted backup", removed);
            }
        } catch (UncheckedIOException e) {
            log.warn("Cannot clean up partial backup blob copies: {}", e.getCause().toString());
        }
    }

    private int deleteUnreferenced(List<BlobId> candidates, Instant idleSince) {
        List<BlobId> unreferenced = queries.query(new UnreferencedBlobsQuery(List.copyOf(candidates)),
                ResponseTypes.multipleInstancesOf(BlobId.class)).join();
        int deleted = 0;
        for (BlobId blob : unreferenced) {
            if (blobs.deleteIfIdleSince(blob.sha256(), idleSince)) {
                deleted++;
            }
        }
        return deleted;
    }

    /** No file was ever created in this event store (other events, like the administrator's account, may exist). */
    private boolean eventStoreEmpty() {
        return !jdbc.sql("SELECT EXISTS (SELECT 1 FROM domain_event_entry WHERE type = 'FileEntry')")
                .query(Boolean.class).single();
    }

    private boolean metadataViewCaughtUp() {
        return processing.eventProcessor(METADATA_PROCESSOR, StreamingEventProcessor.class)
                .map(processor -> !processor.processingStatus().isEmpty()
                        && processor.processingStatus().values().stream().allMatch(s -> s.isCaughtUp() && !s.isErrorState()))
                .orElse(false);
    }
}
