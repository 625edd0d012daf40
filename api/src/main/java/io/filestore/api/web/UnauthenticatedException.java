package io.filestore.api.web;

/** The request carries no valid caller identity: 401. */
public class UnauthenticatedException extends RuntimeException {

    public UnauthenticatedException(String message) {
        super(message);
    }
}
