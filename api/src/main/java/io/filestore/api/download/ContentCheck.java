package io.filestore.api.download;

import java.nio.file.Path;

/**
 * How {@link DownloadResponder} makes sure it never completes a body whose bytes differ from the stored content.
 * A whole body is hashed while it streams and its last buffer is held back until the SHA-256 matches; on a mismatch
 * {@link #mismatch} is called and the response is aborted (the connection is closed short of its Content-Length, so
 * the client sees a broken transfer, never a complete wrong body). A range cannot be hashed on its own, so ranges are
 * served from {@link #checkedFile()}, a copy checked against the hash before it is returned.
 */
public interface ContentCheck {

    /** The lowercase hex SHA-256 the whole content has. */
    String sha256();

    /** A file with the same content, checked against {@link #sha256()} before it is returned (for ranges). */
    Path checkedFile();

    /**
     * The target served from content checked against {@link #sha256()} before it is returned (for ranges): by
     * default {@link #checkedFile()}; a check whose content may be in an object store overrides it.
     */
    default DownloadTarget checkedTarget(DownloadTarget target) {
        return target.withFile(checkedFile());
    }

    /** The streamed bytes hashed to {@code actualSha256}: the file served is corrupt. */
    void mismatch(String actualSha256);

    /** The whole body hashed to {@link #sha256()} as it streamed: the file served is intact. */
    void intact();
}
