package io.filestore.api.download;

import java.io.IOException;

/** Writing to the client failed: it closed the connection or stopped reading. Not a server fault. */
final class ClientDisconnectedException extends IOException {

    private static final long serialVersionUID = 1L;

    ClientDisconnectedException(IOException cause) {
        super("client stopped receiving the download: " + cause, cause);
    }
}
