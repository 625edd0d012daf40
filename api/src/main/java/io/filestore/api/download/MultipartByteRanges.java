package io.filestore.api.download;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A {@code multipart/byteranges} body (RFC 9110 §14.6) laid out up front, so that its exact length is known before
 * the first byte is sent, while the ranges' bytes are streamed from the file.
 *
 * <pre>
 * --BOUNDARY CRLF
 * Content-Type: &lt;type&gt; CRLF
 * Content-Range: bytes a-b/size CRLF
 * CRLF
 * &lt;bytes a..b&gt;
 * CRLF --BOUNDARY CRLF ... (next parts)
 * CRLF --BOUNDARY-- CRLF
 * </pre>
 */
final class MultipartByteRanges {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<ByteRange> ranges;
    private final List<String> partHeads;
    private final String closing;
    private final String boundary;
    private final long contentLength;

    MultipartByteRanges(List<ByteRange> ranges, long completeLength, String partContentType, String boundary) {
        this.ranges = List.copyOf(ranges);
        this.boundary = boundary;
        this.partHeads = new ArrayList<>(ranges.size());
        long length = 0;
        for (int i = 0; i < this.ranges.size(); i++) {
            ByteRange range = this.ranges.get(i);
            String head = (i == 0 ? "" : "\r\n") + "--" + boundary + "\r\n"
                    + "Content-Type: " + partContentType + "\r\n"
                    + "Content-Range: " + range.contentRange(completeLength) + "\r\n"
                    + "\r\n";
            partHeads.add(head);
            length += head.length() + range.length();
        }
        this.closing = "\r\n--" + boundary + "--\r\n";
        this.contentLength = length + closing.length();
    }

    /** A boundary of 128 random bits: it cannot be predicted, so a file cannot be crafted to contain it. */
    static String newBoundary() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "filestore-" + HexFormat.of().formatHex(bytes);
    }

    String contentType() {
        return "multipart/byteranges; boundary=" + boundary;
    }

    /** The exact number of bytes {@link #writeTo} sends (the heads are ASCII: one byte per char). */
    long contentLength() {
        return contentLength;
    }

    void writeTo(BodyWriter body) throws IOException {
        for (int i = 0; i < ranges.size(); i++) {
            body.text(partHeads.get(i));
            body.region(ranges.get(i).first(), ranges.get(i).length());
        }
        body.text(closing);
    }
}
