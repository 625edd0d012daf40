package io.filestore.command.api;

/** The 409 family: the request conflicts with the current state. The API answers {@code 409 Conflict}. */
public abstract class ConflictException extends RuntimeException {

    protected ConflictException(String message) {
        super(message);
    }
}
