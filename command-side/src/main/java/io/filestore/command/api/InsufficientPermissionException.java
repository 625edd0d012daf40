package io.filestore.command.api;

/** The caller may read the file but not do this with it (403). */
public class InsufficientPermissionException extends RuntimeException {

    public InsufficientPermissionException(String message) {
        super(message);
    }
}
