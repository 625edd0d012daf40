package io.filestore.api.security;

/** An account operation conflicts with the current state (e.g. the user exists): 409. */
public class AccountConflictException extends RuntimeException {

    public AccountConflictException(String message) {
        super(message);
    }
}
