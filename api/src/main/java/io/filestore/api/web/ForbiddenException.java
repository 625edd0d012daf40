package io.filestore.api.web;

/** The caller is known but may not use this endpoint: 403. */
public class ForbiddenException extends RuntimeException {

    public ForbiddenException(String message) {
        super(message);
    }
}
