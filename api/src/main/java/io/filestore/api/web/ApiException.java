package io.filestore.api.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * The family of the API's own refusals (400, 401, 403, 413): each kind knows its status and adds its fields to the
 * problem answer; {@link ApiExceptionHandler} maps the family once.
 */
public abstract class ApiException extends RuntimeException {

    protected ApiException(String message) {
        super(message);
    }

    /** The answer's status. */
    public abstract HttpStatus status();

    /** Adds this kind's fields (such as {@code parameter}) to the answer. */
    protected void describe(ProblemDetail problem) {
    }
}
