package io.filestore.replay;

/** There is no backup with that id. */
public class UnknownBackupException extends RuntimeException {

    public UnknownBackupException(String message) {
        super(message);
    }
}
