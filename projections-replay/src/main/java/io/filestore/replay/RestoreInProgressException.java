package io.filestore.replay;

/** A restore is replacing the event store: changes are refused until it has finished. */
public class RestoreInProgressException extends RuntimeException {

    public RestoreInProgressException(String message) {
        super(message);
    }
}
