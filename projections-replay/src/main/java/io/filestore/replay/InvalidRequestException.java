package io.filestore.replay;

/** A backup, restore or rebuild request is invalid; {@link #parameter()} names the offending input. */
public class InvalidRequestException extends IllegalArgumentException {

    private final String parameter;

    public InvalidRequestException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
