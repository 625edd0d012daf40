package io.filestore.command.api;

/** The file has no such version. */
public class UnknownVersionException extends NotFoundException {

    public UnknownVersionException(String message) {
        super(message);
    }
}
