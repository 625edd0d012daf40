package io.filestore.replay.restore;

import io.filestore.blob.BlobStore;
import io.filestore.blob.BlobStoreException;
import io.filestore.replay.archive.BlobRef;
import io.filestore.replay.backup.BackupBlobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the blobs a restored store references: each replica is re-hashed (corrupt ones quarantined, missing ones
 * re-created from an intact one); a blob with no intact replica is put back from the backup location as it is stored
 * there (ciphertext stays ciphertext under its own wrapped data key), checked against the id first.
 */
final class BlobVerifier {

    private static final Logger log = LoggerFactory.getLogger(BlobVerifier.class);
    private static final int MAX_MISSING_IDS = 100;

    private final BlobStore store;
    private final BackupBlobs backup;

    private volatile long referenced;
    private volatile long verified;
    private volatile long restored;
    private volatile long missing;
    private final List<String> missingIds = new CopyOnWriteArrayList<>();

    BlobVerifier(BlobStore store, BackupBlobs backup) {
        this.store = store;
        this.backup = backup;
    }

    void check(BlobRef ref) {
        if (!ref.live()) {
            return; // only purged files reference it: nothing will serve it
        }
        referenced++;
        try {
            store.repair(ref.sha256());
            verified++;
            return;
        } catch (BlobStoreException e) {
            log.warn("Blob {} has no intact replica in the blob store ({}); restoring it from the backup",
                    ref.sha256(), e.getMessage());
        }
        Path copy = backup.path(ref.sha256());
        if (Files.isRegularFile(copy)) {
            try {
                store.importStored(copy, ref.sha256());
                restored++;
                return;
            } catch (BlobStoreException e) {
                log.error("Blob {} cannot be restored from {}: {}", ref.sha256(), copy, e.getMessage());
            }
        }
        missing++;
        if (missingIds.size() < MAX_MISSING_IDS) {
            missingIds.add(ref.sha256());
        }
        log.error("Blob {} is missing from the blob store and from the backup location", ref.sha256());
    }

    RestoreStatus.BlobCheck result() {
        return new RestoreStatus.BlobCheck(referenced, verified, restored, missing, List.copyOf(missingIds));
    }
}
