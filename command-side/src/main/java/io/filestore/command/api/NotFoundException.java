package io.filestore.command.api;

/**
 * The 404 family: what a request names does not exist, or the caller may not know that it does. The API answers
 * {@code 404 Not Found} with {@link #publicDetail()}.
 */
public abstract class NotFoundException extends RuntimeException {

    protected NotFoundException(String message) {
        super(message);
    }

    /** What the answer may tell the caller (by default the message). */
    public String publicDetail() {
        return getMessage();
    }
}
