package io.filestore.replay.restore;

/** The restore could not load the events; its transaction was rolled back. */
public class RestoreFailedException extends RuntimeException {

    public RestoreFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
