package io.filestore.api.storage;

import io.filestore.api.download.ContentCheck;
import io.filestore.api.download.DownloadTarget;
import io.filestore.blob.BlobStore;
import io.filestore.blob.BlobStoreException;
import io.filestore.blob.ReadableBlob;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The {@link ContentCheck} of a blob opened with {@link BlobStore.ReadCheck#WHILE_STREAMING}: a mismatch is reported
 * to the store (which stops trusting that replica and heals it in the background); ranges are served from a replica
 * the store hashed before returning it (a file, or an object in an S3 bucket read with ranged GETs).
 */
public record BlobContentCheck(BlobStore store, ReadableBlob blob) implements ContentCheck {

    /**
     * Opens the blob for a download whose bytes are checked as they are served: hashed while they stream, or, for an
     * encrypted replica, authenticated segment by segment by the blob store (a second hash of the same bytes would
     * prove nothing more and cost a SHA-256 of every download). A replica the store hashed in full within
     * {@code verified-max-age} (with the same size, time and version) is served as it is, with sendfile: a download
     * that hashed it while streaming counts as such a verification.
     */
    public static DownloadTarget target(BlobStore store, String sha256, Instant lastModified, String mediaType,
                                        String filename) {
        ReadableBlob blob = store.open(sha256, BlobStore.ReadCheck.WHILE_STREAMING);
        if (blob.authenticated() || blob.checked()) {
            return verified(blob, lastModified, mediaType, filename);
        }
        return new DownloadTarget(blob.path(), blob.size(), sha256, lastModified, mediaType, filename,
                new BlobContentCheck(store, blob), blob.path() == null ? blob::openStream : null);
    }

    /** A download of a replica the store verified before returning it ({@link BlobStore#open(String)}). */
    public static DownloadTarget verified(ReadableBlob blob, Instant lastModified, String mediaType,
                                          String filename) {
        return new DownloadTarget(blob.path(), blob.size(), blob.sha256(), lastModified, mediaType, filename, null,
                blob.path() == null ? blob::openStream : null);
    }

    @Override
    public String sha256() {
        return blob.sha256();
    }

    @Override
    public Path checkedFile() {
        Path file = store.open(blob.sha256(), BlobStore.ReadCheck.BEFORE_READ).path();
        if (file == null) {
            throw new BlobStoreException(BlobStoreException.Reason.INVALID_STATE,
                    "the checked replica of " + blob.sha256() + " is in an object store: use checkedTarget");
        }
        return file;
    }

    @Override
    public DownloadTarget checkedTarget(DownloadTarget target) {
        ReadableBlob checked = store.open(blob.sha256(), BlobStore.ReadCheck.BEFORE_READ);
        return checked.path() != null ? target.withFile(checked.path()) : target.withStream(checked::openStream);
    }

    @Override
    public void mismatch(String actualSha256) {
        store.reportCorrupt(blob, actualSha256);
    }

    @Override
    public void intact() {
        store.reportIntact(blob);
    }
}
