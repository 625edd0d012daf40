package io.filestore.api.tus;

import java.util.Map;
import org.springframework.http.HttpStatusCode;

/** A tus protocol answer other than success: its status, a detail for the problem body, and extra headers. */
public class TusException extends RuntimeException {

    /** tus' checksum extension: the chunk's checksum does not match. */
    public static final int CHECKSUM_MISMATCH = 460;

    private final HttpStatusCode status;
    private final Map<String, String> headers;

    public TusException(int status, String detail) {
        this(status, detail, Map.of());
    }

    public TusException(int status, String detail, Map<String, String> headers) {
        super(detail);
        this.status = HttpStatusCode.valueOf(status);
        this.headers = Map.copyOf(headers);
    }

    public HttpStatusCode status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
