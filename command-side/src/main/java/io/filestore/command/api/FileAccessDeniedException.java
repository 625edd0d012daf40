package io.filestore.command.api;

/**
 * The caller may not perform this change. Until roles exist only the owner may change a file, and the API answers
 * 404 so that ids do not leak.
 */
public class FileAccessDeniedException extends HiddenFileException {

    public FileAccessDeniedException(String message) {
        super(message);
    }
}
