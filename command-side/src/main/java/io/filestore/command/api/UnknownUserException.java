package io.filestore.command.api;

/** No such user account. */
public class UnknownUserException extends NotFoundException {

    public UnknownUserException(String message) {
        super(message);
    }
}
