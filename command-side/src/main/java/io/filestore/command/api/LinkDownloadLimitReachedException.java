package io.filestore.command.api;

/** The public link's download limit is used up. */
public class LinkDownloadLimitReachedException extends RuntimeException {

    public LinkDownloadLimitReachedException(String message) {
        super(message);
    }
}
