package io.filestore.command.api;

/** An {@code If-Match} precondition failed: the file changed since the client last saw it (a lost update). */
public class VersionConflictException extends RuntimeException {

    private final int currentVersion;
    private final BlobId currentBlob;
    private final long currentRevision;

    public VersionConflictException(int currentVersion, BlobId currentBlob) {
        this(currentVersion, currentBlob, -1);
    }

    /** @param currentRevision the aggregate sequence number of the file's last change, or -1 when unknown */
    public VersionConflictException(int currentVersion, BlobId currentBlob, long currentRevision) {
        super("the file changed: current version is " + currentVersion);
        this.currentVersion = currentVersion;
        this.currentBlob = currentBlob;
        this.currentRevision = currentRevision;
    }

    public int currentVersion() {
        return currentVersion;
    }

    public BlobId currentBlob() {
        return currentBlob;
    }

    /** The aggregate sequence number of the file's last change, or -1 when unknown. */
    public long currentRevision() {
        return currentRevision;
    }
}
