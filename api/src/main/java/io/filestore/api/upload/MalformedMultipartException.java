package io.filestore.api.upload;

/** The multipart body does not follow RFC 2046 / RFC 7578; answered with 400. */
public class MalformedMultipartException extends RuntimeException {

    public MalformedMultipartException(String message) {
        super(message);
    }
}
