package io.filestore.api.web;

/** The caller is known but may not do this: 403. */
public class ForbiddenException extends ApiException {

    public ForbiddenException(String message) {
        super(message);
    }

    @Override
    public org.springframework.http.HttpStatus status() {
        return org.springframework.http.HttpStatus.FORBIDDEN;
    }
}
