package io.filestore.command.api;

/**
 * A file the caller cannot use: it does not exist, it is in the trash, or the caller may not see it. The answer is
 * the same for all ("file not found"), so that ids do not leak.
 */
public abstract class HiddenFileException extends NotFoundException {

    protected HiddenFileException(String message) {
        super(message);
    }

    @Override
    public String publicDetail() {
        return "file not found";
    }
}
