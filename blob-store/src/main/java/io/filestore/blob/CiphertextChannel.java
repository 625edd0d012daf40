package io.filestore.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * The ciphertext part of an encrypted replica (after its header) as a read-only seekable channel, for Tink's seekable
 * decrypting channel: positions are relative to the end of the header.
 */
abstract class CiphertextChannel implements SeekableByteChannel {

    final long base;
    long position;
    boolean open = true;

    CiphertextChannel(long base) {
        this.base = base;
    }

    /** Reads at most {@code dst.remaining()} bytes at {@code at} (relative); -1 at the end. */
    abstract int readAt(ByteBuffer dst, long at) throws IOException;

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!open) {
            throw new java.nio.channels.ClosedChannelException();
        }
        int n = readAt(dst, position);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position");
        }
        position = newPosition;
        return this;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** The replica's file on a directory node: positional reads. */
    static final class OfFile extends CiphertextChannel {
        private final FileChannel file;

        OfFile(FileChannel file, long base) {
            super(base);
            this.file = file;
        }

        @Override
        int readAt(ByteBuffer dst, long at) throws IOException {
            return file.read(dst, base + at);
        }

        @Override
        public long size() throws IOException {
            return Math.max(0, file.size() - base);
        }

        @Override
        public void close() throws IOException {
            open = false;
            file.close();
        }
    }

    /** A replica read through its node (an object in an S3 bucket): one ranged read per call, i.e. per segment. */
    static final class OfNode extends CiphertextChannel {
        private final Replica replica;

        OfNode(Replica replica, long base) {
            super(base);
            this.replica = replica;
        }

        @Override
        int readAt(ByteBuffer dst, long at) throws IOException {
            long left = size() - at;
            if (left <= 0) {
                return -1;
            }
            int length = (int) Math.min(dst.remaining(), left);
            if (length == 0) {
                return 0;
            }
            try (InputStream in = replica.node().open(replica, base + at, length)) {
                byte[] bytes = in.readNBytes(length);
                dst.put(bytes);
                return bytes.length == 0 ? -1 : bytes.length;
            }
        }

        @Override
        public long size() {
            return Math.max(0, replica.size() - base);
        }

        @Override
        public void close() {
            open = false;
        }
    }

    /** {@code length} plaintext bytes from a positioned decrypting channel; closes both channels. */
    static final class RangeStream extends InputStream {
        private final SeekableByteChannel plain;
        private final SeekableByteChannel ciphertext;
        private final String sha256;
        private long remaining;

        RangeStream(SeekableByteChannel plain, SeekableByteChannel ciphertext, long length, String sha256) {
            this.plain = plain;
            this.ciphertext = ciphertext;
            this.remaining = length;
            this.sha256 = sha256;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (remaining <= 0) {
                return -1;
            }
            ByteBuffer dst = ByteBuffer.wrap(b, off, (int) Math.min(len, remaining));
            int n;
            try {
                do {
                    n = plain.read(dst);
                } while (n == 0);
            } catch (IOException e) {
                if (e instanceof BlobEncryption.TamperedException) {
                    throw e;
                }
                throw new BlobEncryption.TamperedException("a range of the replica of " + sha256
                        + " fails its authentication or cannot be read: " + e.getMessage(), e);
            }
            if (n < 0) {
                throw new java.io.EOFException("the replica of " + sha256 + " ended " + remaining
                        + " bytes before the end of the range");
            }
            remaining -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            try {
                plain.close();
            } finally {
                ciphertext.close();
            }
        }
    }
}
