package io.filestore.replay;

/** No streaming event processor handles the named processing group. */
public class UnknownProjectionException extends io.filestore.command.api.NotFoundException {

    public UnknownProjectionException(String message) {
        super(message);
    }
}
