package io.filestore.replay;

/** A restore is replacing the event store: changes are refused until it has finished. */
public class RestoreInProgressException extends io.filestore.command.api.UnavailableException {

    public RestoreInProgressException(String message) {
        super(message);
    }

    @Override
    public int retryAfterSeconds() {
        return 30;
    }
}
