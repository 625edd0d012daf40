package io.filestore.replay.archive;

/** A backup archive is missing, truncated, altered or malformed; the message says which file and how. */
public class ArchiveException extends RuntimeException {

    public ArchiveException(String message) {
        super(message);
    }

    public ArchiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
