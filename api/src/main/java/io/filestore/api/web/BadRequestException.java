package io.filestore.api.web;

/** A request parameter or header is invalid: 400, naming the parameter. */
public class BadRequestException extends ApiException {

    private final String parameter;

    public BadRequestException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }

    @Override
    public org.springframework.http.HttpStatus status() {
        return org.springframework.http.HttpStatus.BAD_REQUEST;
    }

    @Override
    protected void describe(org.springframework.http.ProblemDetail problem) {
        problem.setProperty("parameter", parameter);
    }
}
