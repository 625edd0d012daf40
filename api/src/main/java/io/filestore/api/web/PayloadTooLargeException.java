package io.filestore.api.web;

/** The request body is larger than the documented limit: 413. */
public class PayloadTooLargeException extends ApiException {

    public PayloadTooLargeException(String message) {
        super(message);
    }

    @Override
    public org.springframework.http.HttpStatus status() {
        return org.springframework.http.HttpStatus.CONTENT_TOO_LARGE;
    }
}
