package io.filestore.api.security;

/** An account operation conflicts with the current state (e.g. the user exists): 409. */
public class AccountConflictException extends io.filestore.command.api.ConflictException {

    public AccountConflictException(String message) {
        super(message);
    }
}
