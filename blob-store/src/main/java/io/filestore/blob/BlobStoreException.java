package io.filestore.blob;

import java.util.Objects;

/** The one exception of the blob store; {@link #reason()} says what went wrong. */
public final class BlobStoreException extends RuntimeException {

    public enum Reason {
        /** No replica of the blob exists. */
        NOT_FOUND,
        /** Replicas exist but none of them matches its id (they were quarantined). */
        CORRUPT,
        /** The content is longer than the allowed maximum. */
        TOO_LARGE,
        /** The content does not match the digest the client supplied. */
        DIGEST_MISMATCH,
        /** No node could take the write. */
        UNAVAILABLE,
        /** A read found no intact replica on the nodes that are up, and a node that may hold one is down. */
        OFFLINE,
        /** Reading the input or a file failed. */
        IO,
        /** Every node that could take the write is below its minimum free space. */
        INSUFFICIENT_STORAGE,
        /** The operation does not fit the state of its target (e.g. draining a node that is not draining). */
        INVALID_STATE,
        /** The id is not 64 lowercase hex characters. */
        INVALID_ID
    }

    private final Reason reason;

    public BlobStoreException(Reason reason, String message) {
        this(reason, message, null);
    }

    public BlobStoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String getMessage() {
        return reason + ": " + super.getMessage();
    }
}
