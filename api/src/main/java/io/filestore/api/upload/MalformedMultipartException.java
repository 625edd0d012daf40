package io.filestore.api.upload;

/** The multipart body does not follow RFC 2046 / RFC 7578; answered with 400. */
public class MalformedMultipartException extends io.filestore.api.web.ApiException {

    public MalformedMultipartException(String message) {
        super(message);
    }

    @Override
    public org.springframework.http.HttpStatus status() {
        return org.springframework.http.HttpStatus.BAD_REQUEST;
    }
}
