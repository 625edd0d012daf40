package io.filestore.command.api;

/** The file is in the trash; only restore or purge apply. */
public class FileDeletedException extends HiddenFileException {

    public FileDeletedException(String message) {
        super(message);
    }
}
