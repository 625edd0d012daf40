package io.filestore.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * A replica ready to be streamed (with ranges if needed), checked as the {@link BlobStore.ReadCheck} of the read
 * said. Blobs are immutable, so its content does not change while it exists.
 *
 * @param path   the replica's file when it is on a directory node (readable directly, e.g. with sendfile); null when
 *               it is an object in an S3 bucket: read it with {@link #openStream(long, long)}
 * @param reader reads a range of the replica (a ranged GET for an S3 node)
 * @param authenticated every byte read is authenticated as it is read (an encrypted replica: each segment's AEAD
 *                      tag is checked, under a data key that unwraps only for this blob's hash and size, before any
 *                      of its bytes is returned; a failure ends the stream with an exception): hashing the stream
 *                      again proves nothing more
 */
public record ReadableBlob(String sha256, long size, Path path, RangeReader reader, boolean authenticated) {

    /** Reads a range of a replica. */
    @FunctionalInterface
    public interface RangeReader {
        /** {@code length} bytes from {@code offset} on; the caller closes the stream. */
        InputStream open(long offset, long length) throws IOException;
    }

    /** The whole content. */
    public InputStream openStream() throws IOException {
        return reader.open(0, size);
    }

    /** {@code length} bytes from {@code offset} on. */
    public InputStream openStream(long offset, long length) throws IOException {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside 0.." + size);
        }
        return reader.open(offset, length);
    }
}
