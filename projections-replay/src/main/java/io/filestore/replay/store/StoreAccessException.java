package io.filestore.replay.store;

/** Reading or writing the event store tables failed. */
public class StoreAccessException extends RuntimeException {

    public StoreAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
