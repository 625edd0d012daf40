package io.filestore.command.api;

/** The file has no such (unrevoked) share. */
public class UnknownShareException extends NotFoundException {

    public UnknownShareException(String message) {
        super(message);
    }
}
