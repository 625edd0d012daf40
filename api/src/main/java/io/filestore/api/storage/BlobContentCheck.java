package io.filestore.api.storage;

import io.filestore.api.download.ContentCheck;
import io.filestore.api.download.DownloadTarget;
import io.filestore.blob.BlobStore;
import io.filestore.blob.ReadableBlob;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The {@link ContentCheck} of a blob opened with {@link BlobStore.ReadCheck#WHILE_STREAMING}: a mismatch is reported
 * to the store (which stops trusting that replica and heals it in the background); ranges are served from a replica
 * the store hashed before returning it.
 */
public record BlobContentCheck(BlobStore store, ReadableBlob blob) implements ContentCheck {

    /** Opens the blob for a download whose bytes are checked as they are served. */
    public static DownloadTarget target(BlobStore store, String sha256, Instant lastModified, String mediaType,
                                        String filename) {
        ReadableBlob blob = store.open(sha256, BlobStore.ReadCheck.WHILE_STREAMING);
        return new DownloadTarget(blob.path(), blob.size(), sha256, lastModified, mediaType, filename,
                new BlobContentCheck(store, blob));
    }

    @Override
    public String sha256() {
        return blob.sha256();
    }

    @Override
    public Path checkedFile() {
        return store.open(blob.sha256(), BlobStore.ReadCheck.BEFORE_READ).path();
    }

    @Override
    public void mismatch(String actualSha256) {
        store.reportCorrupt(blob, actualSha256);
    }
}
