package io.filestore.command.api;

/** An {@code If-Match} precondition failed: the file changed since the client last saw it (a lost update). */
public class VersionConflictException extends RuntimeException {

    private final int currentVersion;
    private final BlobId currentBlob;

    public VersionConflictException(int currentVersion, BlobId currentBlob) {
        super("the file changed: current version is " + currentVersion);
        this.currentVersion = currentVersion;
        this.currentBlob = currentBlob;
    }

    public int currentVersion() {
        return currentVersion;
    }

    public BlobId currentBlob() {
        return currentBlob;
    }
}
