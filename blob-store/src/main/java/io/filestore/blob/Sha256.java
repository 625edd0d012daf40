package io.filestore.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Streaming SHA-256: hashing while writing, never holding more than one buffer of content. */
final class Sha256 {

    static final int BUFFER_SIZE = 256 * 1024;

    private static final HexFormat HEX = HexFormat.of();

    /** Thrown by {@link #receive} once more than the allowed number of bytes arrived. */
    static final class TooLargeException extends Exception {
        TooLargeException(long maxBytes) {
            super("more than " + maxBytes + " bytes", null, false, false);
        }
    }

    record Digested(String sha256, long size) {
    }

    private Sha256() {
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    /**
     * Copies {@code in} into the existing empty file {@code target} while hashing it. Reads at most
     * {@code maxBytes + 1} bytes: one more than allowed is enough to know the input is too large.
     */
    static Digested receive(InputStream in, Path target, long maxBytes, boolean fsync)
            throws IOException, TooLargeException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[BUFFER_SIZE];
        long total = 0;
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE)) {
            while (true) {
                long remaining = maxBytes - total; // >= 0: one byte more than allowed is enough to know
                int n = in.read(buffer, 0, remaining >= buffer.length ? buffer.length : (int) remaining + 1);
                if (n < 0) {
                    break;
                }
                total += n;
                if (total > maxBytes) {
                    throw new TooLargeException(maxBytes);
                }
                digest.update(buffer, 0, n);
                writeFully(out, ByteBuffer.wrap(buffer, 0, n));
            }
            if (fsync) {
                out.force(true);
            }
        }
        return new Digested(HEX.formatHex(digest.digest()), total);
    }

    /** Copies {@code source} to the existing empty file {@code target}, hashing what was read. */
    static Digested copy(Path source, Path target, boolean fsync) throws IOException {
        MessageDigest digest = newDigest();
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
        long total = 0;
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE)) {
            while (in.read(buffer) >= 0) {
                buffer.flip();
                total += buffer.remaining();
                digest.update(buffer.array(), 0, buffer.limit());
                writeFully(out, buffer);
                buffer.clear();
            }
            if (fsync) {
                out.force(true);
            }
        }
        return new Digested(HEX.formatHex(digest.digest()), total);
    }

    /** Hashes a whole file. */
    static Digested of(Path file) throws IOException {
        MessageDigest digest = newDigest();
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
        long total = 0;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
                digest.update(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
        }
        return new Digested(HEX.formatHex(digest.digest()), total);
    }

    /** Hashes a stream to its end (the caller closes it). */
    static Digested of(InputStream in) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[BUFFER_SIZE];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            total += n;
            digest.update(buffer, 0, n);
        }
        return new Digested(HEX.formatHex(digest.digest()), total);
    }

    /** Copies a stream to its end into the existing empty file {@code target}, hashing what was read. */
    static Digested copy(InputStream in, Path target, boolean fsync) throws IOException {
        try {
            return receive(in, target, Long.MAX_VALUE - 1, fsync);
        } catch (TooLargeException e) {
            throw new IOException(e);
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }
}
