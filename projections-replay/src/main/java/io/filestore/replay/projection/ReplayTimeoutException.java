package io.filestore.replay.projection;

/** The projections did not catch up with the event store in time. */
public class ReplayTimeoutException extends RuntimeException {

    public ReplayTimeoutException(String message) {
        super(message);
    }
}
