package io.filestore.replay.backup;

import io.filestore.replay.BackupSettings;
import io.filestore.replay.OperationConflictException;
import io.filestore.replay.OperationGuard;
import io.filestore.replay.OperationIds;
import io.filestore.replay.UnknownBackupException;
import io.filestore.replay.archive.ArchiveException;
import io.filestore.replay.archive.BackupArchive;
import io.filestore.replay.archive.BlobManifestReader;
import io.filestore.replay.archive.BlobRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Deletes a backup that is not running, then the copies of blobs that no remaining backup references (backups share
 * their blob copies). It runs as a {@link OperationGuard.Kind#BACKUP}, so never during a backup or a restore. The
 * backup's directory is first renamed (atomically) out of the listing, so a crash midway leaves no half backup that
 * looks whole. Blob copies are deleted only when every remaining backup's manifest could be read: one manifest that
 * cannot be read keeps every copy, and the answer says so.
 */
@Component
public class BackupDeletion {

    private static final Logger log = LoggerFactory.getLogger(BackupDeletion.class);
    private static final String DELETING = ".deleting-";

    private final BackupSettings settings;
    private final BackupService backups;
    private final OperationGuard guard;

    public BackupDeletion(BackupSettings settings, BackupService backups, OperationGuard guard) {
        this.settings = settings;
        this.backups = backups;
        this.guard = guard;
    }

    /** What a deletion removed; {@code warning} says why blob copies were kept, if they were. */
    public record DeletedBackup(String id, long blobsDeleted, long bytesFreed, String warning) {
    }

    public DeletedBackup delete(String id) {
        if (backups.find(id).isEmpty()) {
            throw new UnknownBackupException("no backup " + id);
        }
        guard.begin(OperationGuard.Kind.BACKUP);
        try {
            Path dir = settings.directory().resolve(id);
            Path doomed = settings.directory().resolve(DELETING + id);
            try {
                Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new OperationConflictException("cannot remove backup " + id + ": " + e.getMessage());
            }
            deleteTree(doomed);
            deleteLeftovers();
            BackupBlobs.Pruned pruned;
            String warning = null;
            List<BlobManifestReader> readers = new ArrayList<>();
            try {
                for (Path remaining : sealedBackups()) {
                    readers.add(new BlobManifestReader(remaining));
                }
                pruned = backups.blobs().deleteUnreferenced(new MergedHashes(readers));
            } catch (ArchiveException e) {
                pruned = new BackupBlobs.Pruned(0, 0);
                warning = "no blob copy was deleted: a remaining backup's blob manifest cannot be read ("
                        + e.getMessage() + ")";
                log.warn("Backup {} deleted; {}", id, warning);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the unreferenced blob copies: " + e.getMessage(), e);
            } finally {
                readers.forEach(BackupDeletion::closeQuietly);
            }
            log.info("Backup {} deleted; {} blob copies no other backup references deleted ({} bytes)", id,
                    pruned.blobs(), pruned.bytes());
            return new DeletedBackup(id, pruned.blobs(), pruned.bytes(), warning);
        } finally {
            guard.end(OperationGuard.Kind.BACKUP);
        }
    }

    private List<Path> sealedBackups() throws IOException {
        List<Path> sealed = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(settings.directory())) {
            for (Path dir : dirs) {
                if (OperationIds.isValid(dir.getFileName().toString()) && BackupArchive.isSealed(dir)) {
                    sealed.add(dir);
                }
            }
        }
        return sealed;
    }

    /** Removes what an interrupted deletion left. */
    private void deleteLeftovers() {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(settings.directory(), DELETING + "*")) {
            for (Path dir : dirs) {
                deleteTree(dir);
            }
        } catch (IOException e) {
            log.warn("cannot look for interrupted backup deletions: {}", e.toString());
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(BlobManifestReader reader) {
        try {
            reader.close();
        } catch (IOException e) {
            log.debug("closing a blob manifest: {}", e.toString());
        }
    }

    /** The SHA-256 hashes of several ascending manifests, merged into one ascending sequence. */
    private static final class MergedHashes implements Iterator<String> {

        private record Head(BlobRef blob, BlobManifestReader reader) {
        }

        private final PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing(h -> h.blob().sha256()));

        MergedHashes(List<BlobManifestReader> readers) {
            readers.forEach(this::advance);
        }

        private void advance(BlobManifestReader reader) {
            BlobRef next = reader.next();
            if (next != null) {
                heads.add(new Head(next, reader));
            }
        }

        @Override
        public boolean hasNext() {
            return !heads.isEmpty();
        }

        @Override
        public String next() {
            Head head = heads.poll();
            if (head == null) {
                throw new NoSuchElementException();
            }
            advance(head.reader());
            return head.blob().sha256();
        }
    }
}
