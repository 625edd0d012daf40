package io.filestore.command.api;

/**
 * The 503 family: a part of the service cannot answer now but will again. The API answers
 * {@code 503 Service Unavailable} with {@code Retry-After: }{@link #retryAfterSeconds()}.
 */
public abstract class UnavailableException extends RuntimeException {

    protected UnavailableException(String message) {
        super(message);
    }

    protected UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** How long a client should wait before trying again. */
    public abstract int retryAfterSeconds();

    /** What the answer tells the caller (by default the message). */
    public String publicDetail() {
        return getMessage();
    }
}
