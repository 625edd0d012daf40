package io.filestore.command.api;

/**
 * An optimistic-concurrency precondition (from {@code If-Match}): the change applies only if the file's current
 * version number, or current content, is the one the client last saw. Both null means "no precondition".
 */
public record ExpectedState(Integer version, BlobId blobId) {

    public static final ExpectedState ANY = new ExpectedState(null, null);

    public boolean matches(int currentVersion, BlobId currentBlob) {
        return (version == null || version == currentVersion) && (blobId == null || blobId.equals(currentBlob));
    }
}
