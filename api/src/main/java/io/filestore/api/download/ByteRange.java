package io.filestore.api.download;

/**
 * One satisfiable byte range of a representation, both ends inclusive as in RFC 9110 §14.1.1.
 *
 * @param first offset of the first byte sent
 * @param last  offset of the last byte sent ({@code >= first})
 */
public record ByteRange(long first, long last) {

    public ByteRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("invalid byte range " + first + "-" + last);
        }
    }

    /** Number of bytes in the range. */
    public long length() {
        return last - first + 1;
    }

    /** The Content-Range field value for this range of a representation of {@code completeLength} bytes. */
    public String contentRange(long completeLength) {
        return "bytes " + first + "-" + last + "/" + completeLength;
    }
}
