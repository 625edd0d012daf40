package io.filestore.api.web;

/** A request parameter or header is invalid: 400, naming the parameter. */
public class BadRequestException extends RuntimeException {

    private final String parameter;

    public BadRequestException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
