package io.filestore.api.web;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns a JSON value Jackson could not bind into a 400 naming the field by its JSON path ({@code maxDownloads},
 * {@code attributes.k}, {@code tags[2]}), never Jackson's own message, which names Java classes.
 */
public final class JsonErrors {

    private JsonErrors() {
    }

    /** The offending field's JSON path, or {@code ""} when the error is not in a field. */
    public static String field(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** The exception to throw for it: a {@link BadRequestException} naming {@code fallbackParameter} or the field. */
    public static BadRequestException badRequest(JacksonException e, String what, String fallbackParameter) {
        String field = field(e);
        String detail;
        if (e instanceof UnrecognizedPropertyException) {
            detail = what + " has an unknown field '" + field + "'";
        } else if (field.isEmpty()) {
            detail = e instanceof StreamReadException && !(e instanceof InputCoercionException)
                    ? what + " is not well-formed JSON" : what + " does not have the expected form";
        } else if (e instanceof InputCoercionException) {
            detail = what + ": field '" + field + "' is out of range";
        } else {
            detail = what + ": field '" + field + "' has an invalid value or type";
        }
        return new BadRequestException(field.isEmpty() ? fallbackParameter : field, detail);
    }
}
