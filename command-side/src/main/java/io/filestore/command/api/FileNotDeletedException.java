package io.filestore.command.api;

/** The operation needs a trashed file but the file is live. */
public class FileNotDeletedException extends ConflictException {

    public FileNotDeletedException(String message) {
        super(message);
    }
}
