package io.filestore.api.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A streaming {@code multipart/form-data} reader (RFC 7578 / RFC 2046): parts are handed out one after the other
 * as input streams read straight from the request, so a multi-gigabyte part is never held in memory or spooled to
 * disk. Reading the next part skips whatever is left of the current one. Part headers are limited to
 * {@link #MAX_HEADER_BYTES}; a body that ends before the closing delimiter is an error.
 */
public final class MultipartReader {

    public static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int BUFFER_SIZE = 64 * 1024;

    private final InputStream in;
    private final byte[] delimiter; // CRLF "--" boundary
    private final byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    private boolean finished;
    private PartStream current;

    public MultipartReader(InputStream in, String boundary) {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
            throw new MalformedMultipartException("multipart boundary missing or longer than 200 characters");
        }
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buf = new byte[BUFFER_SIZE + delimiter.length];
        // The first delimiter may open the body without a preceding CRLF: pretend there was one.
        buf[0] = '\r';
        buf[1] = '\n';
        limit = 2;
    }

    /** Extracts the boundary parameter of a {@code multipart/*} content type, or null. */
    public static String boundaryOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        Map<String, String> params = HeaderParams.parse(contentType);
        return params.get("boundary");
    }

    /** The next part, or null after the closing delimiter. */
    public Part next() throws IOException {
        if (finished) {
            return null;
        }
        if (current != null) {
            current.skipRest();
        } else {
            skipPreamble();
        }
        if (finished) {
            return null;
        }
        Map<String, String> headers = readHeaders();
        current = new PartStream();
        return new Part(headers, current);
    }

    /** Reads the remaining bytes after the closing delimiter (the epilogue), so that body digests cover everything. */
    public void drainEpilogue() throws IOException {
        pos = limit;
        while (in.read(buf, 0, buf.length) >= 0) {
            // discard
        }
    }

    private void skipPreamble() throws IOException {
        PartStream preamble = new PartStream();
        preamble.skipRest();
    }

    /** After a delimiter: "--" closes the body, otherwise optional whitespace and CRLF open the next part. */
    private void afterDelimiter() throws IOException {
        fill(2);
        if (limit - pos >= 2 && buf[pos] == '-' && buf[pos + 1] == '-') {
            pos += 2;
            finished = true;
            return;
        }
        while (true) {
            fill(1);
            if (pos >= limit) {
                throw new MalformedMultipartException("multipart body ended after a delimiter");
            }
            byte b = buf[pos];
            if (b == ' ' || b == '\t') {
                pos++;
                continue;
            }
            fill(2);
            if (limit - pos >= 2 && buf[pos] == '\r' && buf[pos + 1] == '\n') {
                pos += 2;
                return;
            }
            throw new MalformedMultipartException("malformed multipart delimiter line");
        }
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        int total = 0;
        while (true) {
            byte[] line = readLine(MAX_HEADER_BYTES - total);
            total += line.length + 2;
            if (line.length == 0) {
                return headers;
            }
            String text = new String(line, StandardCharsets.UTF_8);
            int colon = text.indexOf(':');
            if (colon <= 0) {
                throw new MalformedMultipartException("malformed multipart part header");
            }
            headers.put(text.substring(0, colon).trim().toLowerCase(Locale.ROOT), text.substring(colon + 1).trim());
        }
    }

    private byte[] readLine(int max) throws IOException {
        int start = pos;
        int scanned = 0;
        while (true) {
            for (int i = start + scanned; i + 1 < limit; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n') {
                    if (i - start > max) {
                        throw new MalformedMultipartException("multipart part headers exceed " + MAX_HEADER_BYTES + " bytes");
                    }
                    byte[] line = Arrays.copyOfRange(buf, start, i);
                    pos = i + 2;
                    return line;
                }
            }
            scanned = Math.max(0, limit - start - 1);
            if (scanned > max) {
                throw new MalformedMultipartException("multipart part headers exceed " + MAX_HEADER_BYTES + " bytes");
            }
            if (eof) {
                throw new MalformedMultipartException("multipart body ended inside part headers");
            }
            compact();
            start = pos;
            readMore();
        }
    }

    /** Ensures at least {@code n} unread bytes are buffered unless the input ended. */
    private void fill(int n) throws IOException {
        while (limit - pos < n && !eof) {
            if (buf.length - pos < n) {
                compact();
            }
            readMore();
        }
    }

    private void compact() {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
    }

    private void readMore() throws IOException {
        if (limit == buf.length) {
            compact();
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
        }
    }

    private int indexOfDelimiter(int from) {
        byte first = delimiter[0];
        int last = limit - delimiter.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int j = 1; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** One part: its headers (lowercase names) and its body. */
    public record Part(Map<String, String> headers, InputStream body) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** The {@code name} parameter of Content-Disposition. */
        public String name() {
            String disposition = header("content-disposition");
            return disposition == null ? null : HeaderParams.parse(disposition).get("name");
        }

        /** The file name of the part ({@code filename*} preferred over {@code filename}), or null for a field. */
        public String filename() {
            String disposition = header("content-disposition");
            return disposition == null ? null : HeaderParams.filename(disposition);
        }

        public String contentType() {
            return header("content-type");
        }
    }

    private final class PartStream extends InputStream {

        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                int found = indexOfDelimiter(pos);
                if (found == pos) {
                    pos += delimiter.length;
                    done = true;
                    afterDelimiter();
                    return -1;
                }
                int available = found >= 0 ? found - pos : limit - pos - (delimiter.length - 1);
                if (available > 0) {
                    int n = Math.min(len, available);
                    System.arraycopy(buf, pos, b, off, n);
                    pos += n;
                    return n;
                }
                if (eof) {
                    throw new MalformedMultipartException("multipart body ended before the closing delimiter");
                }
                compact();
                readMore();
            }
        }

        void skipRest() throws IOException {
            byte[] sink = new byte[8192];
            while (read(sink, 0, sink.length) >= 0) {
                // discard
            }
        }
    }
}
