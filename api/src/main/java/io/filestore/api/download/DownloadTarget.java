package io.filestore.api.download;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@link DownloadResponder} sends: one stored file and the metadata that describes it.
 *
 * @param file         the file holding the bytes; read at most {@code size} bytes from it; null when the bytes come
 *                     from {@code stream} only (an object in an S3 bucket)
 * @param size         the representation's length in bytes; must equal the file's size on disk
 * @param etag         the strong entity tag without quotes (the blob's sha256 hex); sent as {@code "<etag>"}
 * @param lastModified when this version was created; sent and compared with one-second precision
 * @param mediaType    the Content-Type to send; {@code null}, blank or malformed falls back to
 *                     {@code application/octet-stream}
 * @param filename     the name the user agent should save the file under (any Unicode; sanitised when sent)
 * @param check        how the bytes are checked against the content's hash while they are served, or null for not
 * @param stream       reads a region of the content when there is no {@code file} (a ranged GET); null with a file
 */
public record DownloadTarget(Path file, long size, String etag, Instant lastModified, String mediaType,
                             String filename, ContentCheck check, RangeStream stream) {

    /** Reads {@code length} bytes of the content from {@code position} on; the caller closes the stream. */
    @FunctionalInterface
    public interface RangeStream {
        InputStream open(long position, long length) throws IOException;
    }

    /** A target whose bytes are served unchecked. */
    public DownloadTarget(Path file, long size, String etag, Instant lastModified, String mediaType, String filename) {
        this(file, size, etag, lastModified, mediaType, filename, null, null);
    }

    /** A target in a file. */
    public DownloadTarget(Path file, long size, String etag, Instant lastModified, String mediaType, String filename,
                          ContentCheck check) {
        this(file, size, etag, lastModified, mediaType, filename, check, null);
    }

    /** The same target served from another file (a checked copy of the same content). */
    public DownloadTarget withFile(Path other) {
        return new DownloadTarget(other, size, etag, lastModified, mediaType, filename, check, null);
    }

    /** The same target served from another stream (a checked copy of the same content in an object store). */
    public DownloadTarget withStream(RangeStream other) {
        return new DownloadTarget(null, size, etag, lastModified, mediaType, filename, check, other);
    }

    public DownloadTarget {
        if (file == null && stream == null) {
            throw new NullPointerException("file or stream");
        }
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
