package io.filestore.replay.archive;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads the blob manifest of a backup one entry at a time, in ascending SHA-256 order (as it was written), so that
 * several manifests can be merged without holding any of them in memory.
 */
public final class BlobManifestReader implements Closeable {

    private final PartReader<BlobRef> reader;

    public BlobManifestReader(Path backupDir) {
        try {
            this.reader = new PartReader<>(backupDir.resolve(BackupArchive.BLOBS), BlobRef.class);
        } catch (IOException e) {
            throw new ArchiveException("cannot read " + BackupArchive.BLOBS + ": " + e.getMessage(), e);
        }
    }

    /** The next blob, or null at the end of the manifest. */
    public BlobRef next() {
        return reader.next();
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
