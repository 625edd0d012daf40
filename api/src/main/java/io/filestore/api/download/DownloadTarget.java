package io.filestore.api.download;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@link DownloadResponder} sends: one stored file and the metadata that describes it.
 *
 * @param file         the file holding the bytes; read at most {@code size} bytes from it
 * @param size         the representation's length in bytes; must equal the file's size on disk
 * @param etag         the strong entity tag without quotes (the blob's sha256 hex); sent as {@code "<etag>"}
 * @param lastModified when this version was created; sent and compared with one-second precision
 * @param mediaType    the Content-Type to send; {@code null}, blank or malformed falls back to
 *                     {@code application/octet-stream}
 * @param filename     the name the user agent should save the file under (any Unicode; sanitised when sent)
 */
public record DownloadTarget(Path file, long size, String etag, Instant lastModified, String mediaType,
                             String filename) {

    public DownloadTarget {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(lastModified, "lastModified");
        Objects.requireNonNull(filename, "filename");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        if (!EntityTag.isValidOpaqueTag(etag)) {
            throw new IllegalArgumentException("etag must be 1 or more visible ASCII characters without '\"': " + etag);
        }
    }
}
