package io.filestore.replay;

/** No streaming event processor handles the named processing group. */
public class UnknownProjectionException extends RuntimeException {

    public UnknownProjectionException(String message) {
        super(message);
    }
}
