package io.filestore.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A replica ready to be streamed (with ranges if needed), checked as the {@link BlobStore.ReadCheck} of the read
 * said. Blobs are immutable, so its content does not change while it exists.
 */
public final class ReadableBlob {

    /** Reads a range of a replica. */
    @FunctionalInterface
    public interface RangeReader {
        /** {@code length} bytes from {@code offset} on; the caller closes the stream. */
        InputStream open(long offset, long length) throws IOException;
    }

    private final String sha256;
    private final long size;
    private final Path path;
    private final RangeReader reader;
    private final boolean authenticated;
    private final boolean checked;
    /** The replica this was opened from (its size, time and version as seen then). */
    final Replica replica;

    /**
     * @param path          the replica's file when it is on a directory node (readable directly, e.g. with
     *                      sendfile); null when it is an object in an S3 bucket: read it with
     *                      {@link #openStream(long, long)}
     * @param reader        reads a range of the replica (a ranged GET for an S3 node)
     * @param authenticated every byte read is authenticated as it is read (an encrypted replica: each segment's AEAD
     *                      tag is checked, under a data key that unwraps only for this blob's hash and size, before
     *                      any of its bytes is returned; a failure ends the stream with an exception): hashing the
     *                      stream again proves nothing more
     * @param checked       the whole replica was hashed against its id before it was returned (now, or within
     *                      {@link BlobStoreSettings#verifiedMaxAge()} with the same size, time and version)
     * @param replica       the replica it was opened from, as seen then
     */
    ReadableBlob(String sha256, long size, Path path, RangeReader reader, boolean authenticated, boolean checked,
                 Replica replica) {
        this.sha256 = Objects.requireNonNull(sha256, "sha256");
        this.size = size;
        this.path = path;
        this.reader = Objects.requireNonNull(reader, "reader");
        this.authenticated = authenticated;
        this.checked = checked;
        this.replica = Objects.requireNonNull(replica, "replica");
    }

    public String sha256() {
        return sha256;
    }

    public long size() {
        return size;
    }

    /** The replica's file on a directory node; null for an object in an S3 bucket. */
    public Path path() {
        return path;
    }

    public RangeReader reader() {
        return reader;
    }

    /** Every byte read is authenticated as it is read (an encrypted replica). */
    public boolean authenticated() {
        return authenticated;
    }

    /**
     * The whole replica was hashed against its id before it was returned: now ({@link BlobStore.ReadCheck#BEFORE_READ})
     * or, with the same size, time and version, within {@link BlobStoreSettings#verifiedMaxAge()}. A replica opened
     * {@link BlobStore.ReadCheck#WHILE_STREAMING} that is not checked must be hashed by its reader.
     */
    public boolean checked() {
        return checked;
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

    @Override
    public String toString() {
        return "ReadableBlob[" + sha256 + ", " + size + " bytes, " + (path != null ? path : "in an object store") + "]";
    }
}
