package io.filestore.replay;

/** The operation cannot start now: another one is running, or the event store is not in the state it needs. */
public class OperationConflictException extends io.filestore.command.api.ConflictException {

    public OperationConflictException(String message) {
        super(message);
    }
}
