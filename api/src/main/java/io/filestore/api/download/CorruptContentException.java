package io.filestore.api.download;

import java.io.IOException;

/** The bytes of a download did not hash to the content's SHA-256; the response was aborted before its last bytes. */
public final class CorruptContentException extends IOException {

    private static final long serialVersionUID = 1L;

    CorruptContentException(String message) {
        super(message);
    }
}
