package io.filestore.replay;

/** There is no backup with that id. */
public class UnknownBackupException extends io.filestore.command.api.NotFoundException {

    public UnknownBackupException(String message) {
        super(message);
    }
}
