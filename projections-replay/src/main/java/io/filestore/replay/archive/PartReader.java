package io.filestore.replay.archive;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import tools.jackson.core.JacksonException;

/**
 * Reads one gzip-compressed JSON Lines part, one entry at a time (a line is at most {@link #MAX_LINE} bytes, so a
 * malformed archive cannot exhaust memory). Truncation and corruption become {@link ArchiveException}s naming the
 * part and the line.
 */
final class PartReader<T> implements Closeable {

    static final int MAX_LINE = 16 * 1024 * 1024;

    private final String name;
    private final Class<T> type;
    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private byte[] line = new byte[8192];
    private long lineNumber;

    PartReader(Path file, Class<T> type) throws IOException {
        this.name = file.getFileName().toString();
        this.type = type;
        this.in = new GZIPInputStream(Files.newInputStream(file), 64 * 1024);
    }

    /** The next entry, or null at the end of the part. */
    T next() {
        int length = 0;
        try {
            while (true) {
                if (position == limit) {
                    limit = in.read(buffer, 0, buffer.length);
                    position = 0;
                    if (limit < 0) {
                        limit = 0;
                        if (length > 0) {
                            throw new ArchiveException(name + " ends inside line " + (lineNumber + 1)
                                    + ": the archive is truncated");
                        }
                        return null;
                    }
                    continue;
                }
                int start = position;
                while (position < limit && buffer[position] != '\n') {
                    position++;
                }
                int chunk = position - start;
                if (length + chunk > MAX_LINE) {
                    throw new ArchiveException(name + " line " + (lineNumber + 1) + " is longer than " + MAX_LINE
                            + " bytes: the archive is malformed");
                }
                if (length + chunk > line.length) {
                    line = Arrays.copyOf(line, Math.min(MAX_LINE, Math.max(line.length * 2, length + chunk)));
                }
                System.arraycopy(buffer, start, line, length, chunk);
                length += chunk;
                if (position < limit) {
                    position++; // the newline
                    break;
                }
            }
        } catch (EOFException e) {
            throw new ArchiveException(name + " is truncated (" + e.getMessage() + ")", e);
        } catch (ZipException e) {
            throw new ArchiveException(name + " is corrupt (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ArchiveException("cannot read " + name + ": " + e.getMessage(), e);
        }
        lineNumber++;
        try {
            return ArchiveJson.MAPPER.readValue(line, 0, length, type);
        } catch (JacksonException e) {
            throw new ArchiveException(name + " line " + lineNumber + " is not a valid entry: "
                    + e.getOriginalMessage(), e);
        }
    }

    long lineNumber() {
        return lineNumber;
    }

    String name() {
        return name;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
