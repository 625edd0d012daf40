package io.filestore.api.download;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Copies regions of one file (or of a {@link DownloadTarget.RangeStream}, one ranged read per region) to a response
 * body through a fixed buffer, never holding more than that buffer.
 * A failure to read the file is thrown as it is; a failure to write to the client becomes a
 * {@link ClientDisconnectedException} so that the caller can tell the two apart.
 */
final class BodyWriter {

    private final FileChannel source;
    private final DownloadTarget.RangeStream stream;
    private final OutputStream out;
    private final byte[] buffer;

    BodyWriter(FileChannel source, OutputStream out, int bufferSize) {
        this.source = source;
        this.stream = null;
        this.out = out;
        this.buffer = new byte[bufferSize];
    }

    BodyWriter(DownloadTarget.RangeStream stream, OutputStream out, int bufferSize) {
        this.source = null;
        this.stream = java.util.Objects.requireNonNull(stream, "stream");
        this.out = out;
        this.buffer = new byte[bufferSize];
    }

    /** Sends {@code length} bytes of the file from {@code position} on, with positioned reads. */
    void region(long position, long length) throws IOException {
        try (InputStream in = stream == null || length == 0 ? null : stream.open(position, length)) {
            long sent = 0;
            while (sent < length) {
                int chunk = (int) Math.min(buffer.length, length - sent);
                fill(in, position + sent, chunk, position + length);
                write(buffer, chunk);
                sent += chunk;
            }
        }
    }

    /** Reads {@code chunk} bytes at {@code position} into the buffer, from the stream or with positioned reads. */
    private void fill(InputStream in, long position, int chunk, long end) throws IOException {
        if (in != null) {
            int n = in.readNBytes(buffer, 0, chunk);
            if (n < chunk) {
                throw new EOFException("content ended at byte " + (position + n) + ", expected " + end);
            }
            return;
        }
        ByteBuffer target = ByteBuffer.wrap(buffer, 0, chunk);
        while (target.hasRemaining()) {
            if (source.read(target, position + target.position()) < 0) {
                throw new EOFException("file ended at byte " + (position + target.position()) + ", expected " + end);
            }
        }
    }

    /**
     * Sends the whole file ({@code length} bytes from position 0) while hashing it; the last buffer is written only
     * once the SHA-256 of everything read equals {@code check.sha256()} (then {@link ContentCheck#intact()}).
     *
     * @throws CorruptContentException when it does not (after {@link ContentCheck#mismatch}); the last buffer is not
     *                                 sent
     */
    void verifiedWhole(long length, ContentCheck check) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
        try (InputStream in = stream == null || length == 0 ? null : stream.open(0, length)) {
            verifiedWhole(in, length, check, digest);
        }
    }

    private void verifiedWhole(InputStream in, long length, ContentCheck check, MessageDigest digest)
            throws IOException {
        long sent = 0;
        while (sent < length) {
            int chunk = (int) Math.min(buffer.length, length - sent);
            fill(in, sent, chunk, length);
            digest.update(buffer, 0, chunk);
            if (sent + chunk == length) {
                String actual = HexFormat.of().formatHex(digest.digest());
                if (!actual.equals(check.sha256())) {
                    check.mismatch(actual);
                    throw new CorruptContentException("the content read has SHA-256 " + actual + ", not "
                            + check.sha256());
                }
                check.intact();
            }
            write(buffer, chunk);
            sent += chunk;
        }
    }

    /** Sends ASCII text such as multipart delimiters and part headers. */
    void text(String ascii) throws IOException {
        byte[] bytes = ascii.getBytes(StandardCharsets.US_ASCII);
        write(bytes, bytes.length);
    }

    private void write(byte[] bytes, int length) throws ClientDisconnectedException {
        try {
            out.write(bytes, 0, length);
        } catch (IOException e) {
            throw new ClientDisconnectedException(e);
        }
    }
}
