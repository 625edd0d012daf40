package io.filestore.api.web;

/** The request carries no valid caller identity: 401. */
public class UnauthenticatedException extends ApiException {

    public UnauthenticatedException(String message) {
        super(message);
    }

    @Override
    public org.springframework.http.HttpStatus status() {
        return org.springframework.http.HttpStatus.UNAUTHORIZED;
    }
}
