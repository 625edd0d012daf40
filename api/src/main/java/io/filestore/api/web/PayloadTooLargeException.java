package io.filestore.api.web;

/** The request body is larger than the documented limit: 413. */
public class PayloadTooLargeException extends RuntimeException {

    public PayloadTooLargeException(String message) {
        super(message);
    }
}
