package io.filestore.command.api;

/** The user has no such (unrevoked) API token. */
public class UnknownTokenException extends NotFoundException {

    public UnknownTokenException(String message) {
        super(message);
    }
}
