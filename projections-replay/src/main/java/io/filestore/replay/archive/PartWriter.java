package io.filestore.replay.archive;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/**
 * Writes one gzip-compressed JSON Lines part of an archive, streaming: one JSON object per line, hashing (SHA-256)
 * and counting the compressed bytes as they go to disk, which is forced to storage when the part is finished.
 */
public final class PartWriter implements Closeable {

    private static final int BUFFER = 64 * 1024;

    private final String name;
    private final FileChannel channel;
    private final Hashing hashing;
    private final GZIPOutputStream gzip;
    private final OutputStream out;
    private long entries;
    private boolean finished;

    PartWriter(Path file) throws IOException {
        this.name = file.getFileName().toString();
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        this.hashing = new Hashing(Channels.newOutputStream(channel));
        this.gzip = new GZIPOutputStream(hashing, BUFFER);
        this.out = new BufferedOutputStream(gzip, BUFFER);
    }

    public void write(Object row) throws IOException {
        out.write(ArchiveJson.MAPPER.writeValueAsBytes(row));
        out.write('\n');
        entries++;
    }

    public long entries() {
        return entries;
    }

    /** Completes the gzip stream, forces the file to disk and describes it. */
    public ArchivePart finish() throws IOException {
        out.flush();
        gzip.finish();
        hashing.flush();
        channel.force(true);
        finished = true;
        close();
        return new ArchivePart(name, hashing.count, HexFormat.of().formatHex(hashing.digest.digest()), entries);
    }

    @Override
    public void close() throws IOException {
        if (!finished) {
            channel.close(); // abandoned: the caller deletes the file
            return;
        }
        out.close();
    }

    /** Counts and hashes what passes through to the file. */
    private static final class Hashing extends FilterOutputStream {

        final MessageDigest digest = ArchiveJson.sha256();
        long count;

        Hashing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            digest.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            digest.update(b, off, len);
            count += len;
        }
    }
}
