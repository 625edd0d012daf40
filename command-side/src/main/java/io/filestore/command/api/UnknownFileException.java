package io.filestore.command.api;

/** No such file, or the caller may not see it (the two are deliberately indistinguishable). */
public class UnknownFileException extends HiddenFileException {

    public UnknownFileException(String message) {
        super(message);
    }
}
