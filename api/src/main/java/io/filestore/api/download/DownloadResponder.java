package io.filestore.api.download;

import io.filestore.api.download.RangeParser.Satisfiable;
import io.filestore.api.download.RangeParser.Unsatisfiable;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Writes the whole HTTP response for a GET or HEAD of one stored file: validators, conditional requests
 * (RFC 9110 §13), byte ranges (§14) and the body, streamed from the file and never held in memory.
 *
 * <p>Responses:
 * <ul>
 *   <li>every response carries {@code Accept-Ranges: bytes}, the strong {@code ETag}, {@code Last-Modified},
 *       {@code Cache-Control}, {@code X-Content-Type-Options: nosniff} and {@code Content-Security-Policy: sandbox};</li>
 *   <li>412 and 304 when the preconditions say so (§13.2.2), 416 with <code>Content-Range: bytes *&#47;size</code> for
 *       an unsatisfiable range set; none of these has the representation's Content-Type and Content-Disposition,
 *       304 has no body and 412 and 416 have an RFC 9457 {@code application/problem+json} body;</li>
 *   <li>200 with the whole file, or 206 with one range or a {@code multipart/byteranges} body, each with
 *       Content-Type, Content-Disposition and an exact Content-Length.</li>
 * </ul>
 * Range and If-Range are honoured for GET only (§14.2: range handling is defined for GET alone), so a HEAD
 * answers as a GET without a Range field would, without the body. See {@link RangeParser} for which range sets
 * are served, ignored or refused.
 *
 * <p>A single body region (the whole file or one range) of at least {@value #SENDFILE_MIN_LENGTH} bytes is handed
 * to Tomcat's sendfile when enabled and the connector offers it; everything else is copied with positioned reads
 * through a buffer of the configured size. A client that goes away mid-body ends the response quietly (debug log).
 * A file that is missing or whose size differs from {@link DownloadTarget#size()} fails with an IOException before
 * any header is set, so the error handling can still answer properly.
 *
 * <p>A target with a {@link ContentCheck} is never served unchecked: a whole body is hashed as it streams (no
 * sendfile) and aborted before its last buffer on a mismatch (the request gets the {@link #ABORT_ATTRIBUTE}, which
 * makes the server close the connection; a {@link CorruptContentException} is thrown after the response is
 * committed); ranges are served from the check's {@link ContentCheck#checkedFile() checked file}.
 */
public final class DownloadResponder {

    /** Regions smaller than this are copied: for them sendfile's set-up costs more than the copy. */
    public static final long SENDFILE_MIN_LENGTH = 48 * 1024;

    public static final String DEFAULT_CACHE_CONTROL = "private, max-age=0, must-revalidate";

    static final String SENDFILE_SUPPORTED_ATTR = "org.apache.tomcat.sendfile.support";
    static final String SENDFILE_FILENAME_ATTR = "org.apache.tomcat.sendfile.filename";
    static final String SENDFILE_START_ATTR = "org.apache.tomcat.sendfile.start";
    static final String SENDFILE_END_ATTR = "org.apache.tomcat.sendfile.end";

    static final String FALLBACK_MEDIA_TYPE = "application/octet-stream";

    /** Set on a request whose response must be cut off (its connection closed) rather than completed. */
    public static final String ABORT_ATTRIBUTE = "io.filestore.download.abort";

    private static final Logger log = LoggerFactory.getLogger(DownloadResponder.class);

    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final Pattern MEDIA_TYPE = Pattern.compile(
            TOKEN + "/" + TOKEN + "([ \\t]*;[ \\t]*" + TOKEN + "=(" + TOKEN + "|\"[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]*\"))*");
    private static final Pattern HEADER_VALUE = Pattern.compile("[\\x20-\\x7E]+");

    private final int bufferSize;
    private final boolean useSendfile;
    private final String cacheControl;

    /**
     * @param bufferSize  bytes per read and write when copying (for example 64 KiB)
     * @param useSendfile whether Tomcat's sendfile may be used where it is supported
     */
    public DownloadResponder(int bufferSize, boolean useSendfile) {
        this(bufferSize, useSendfile, DEFAULT_CACHE_CONTROL);
    }

    /** As {@link #DownloadResponder(int, boolean)}, with the Cache-Control value to send. */
    public DownloadResponder(int bufferSize, boolean useSendfile, String cacheControl) {
        if (bufferSize <= 0) {
            throw new IllegalArgumentException("bufferSize must be positive: " + bufferSize);
        }
        Objects.requireNonNull(cacheControl, "cacheControl");
        if (!HEADER_VALUE.matcher(cacheControl).matches()) {
            throw new IllegalArgumentException("cacheControl must be printable ASCII: " + cacheControl);
        }
        this.bufferSize = bufferSize;
        this.useSendfile = useSendfile;
        this.cacheControl = cacheControl;
    }

    /** Writes the complete response (status, headers, body) for GET or HEAD. */
    public void respond(HttpServletRequest request, HttpServletResponse response, DownloadTarget target)
            throws IOException {
        boolean head = "HEAD".equals(request.getMethod());
        if (!head && !"GET".equals(request.getMethod())) {
            throw new IllegalArgumentException("only GET and HEAD can be answered, not " + request.getMethod());
        }
        switch (Preconditions.evaluate(request, target.etag(), target.lastModified())) {
            case PRECONDITION_FAILED -> {
                writeValidators(response, target);
                writeProblem(request, response, HttpServletResponse.SC_PRECONDITION_FAILED, "Precondition Failed",
                        "a precondition (If-Match, If-Unmodified-Since, If-None-Match) does not hold", head);
                return;
            }
            case NOT_MODIFIED -> {
                writeValidators(response, target);
                response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
                return;
            }
            case PROCEED -> {
                // go on to ranges
            }
        }

        RangeParser.Result ranges = head ? new RangeParser.Ignored("HEAD") : requestedRanges(request, target);
        if (ranges instanceof Satisfiable && target.check() != null) {
            target = target.check().checkedTarget(target); // a range cannot be hashed as it streams
        }
        try {
            if (ranges instanceof Unsatisfiable) {
                writeValidators(response, target);
                response.setHeader("Content-Range", "bytes */" + target.size());
                writeProblem(request, response, HttpServletResponse.SC_REQUESTED_RANGE_NOT_SATISFIABLE,
                        "Range Not Satisfiable", "no requested range overlaps the " + target.size() + " bytes", head);
            } else if (ranges instanceof Satisfiable satisfiable && satisfiable.ranges().size() > 1) {
                sendMultipart(response, target, satisfiable.ranges());
            } else {
                ByteRange only = ranges instanceof Satisfiable satisfiable ? satisfiable.ranges().get(0) : null;
                sendSingle(request, response, target, only, head);
            }
        } catch (ClientDisconnectedException e) {
            log.debug("Download of {} ended early: {}", target.etag(), e.getCause().toString());
        } catch (CorruptContentException e) {
            request.setAttribute(ABORT_ATTRIBUTE, Boolean.TRUE);
            try {
                response.flushBuffer(); // committed, so nothing can be appended to the cut-off body
            } catch (IOException ignored) {
                // the client is gone already
            }
            throw e;
        }
    }

    /**
     * Whether {@link #respond} would answer this GET with content, 200 or 206 (not HEAD, 304, 412 or 416): what a
     * download limit counts.
     */
    public boolean sendsContent(HttpServletRequest request, DownloadTarget target) {
        return "GET".equals(request.getMethod())
                && Preconditions.evaluate(request, target.etag(), target.lastModified()) == Preconditions.Outcome.PROCEED
                && !(requestedRanges(request, target) instanceof Unsatisfiable);
    }

    private RangeParser.Result requestedRanges(HttpServletRequest request, DownloadTarget target) {
        String range = request.getHeader("Range");
        if (range == null) {
            return new RangeParser.Ignored("no Range field");
        }
        if (!Preconditions.ifRangeHolds(request, target.etag(), target.lastModified())) {
            return new RangeParser.Ignored("If-Range does not match");
        }
        RangeParser.Result result = RangeParser.parse(range, target.size());
        if (result instanceof RangeParser.Ignored ignored) {
            log.debug("Ignoring Range field for {}: {}", target.etag(), ignored.reason());
        }
        return result;
    }

    /** 200 with the whole file ({@code range == null}) or 206 with one range. */
    private void sendSingle(HttpServletRequest request, HttpServletResponse response, DownloadTarget target,
                            ByteRange range, boolean head) throws IOException {
        long start = range == null ? 0 : range.first();
        long length = range == null ? target.size() : range.length();
        boolean withBody = !head && length > 0;
        boolean verified = withBody && range == null && target.check() != null;
        boolean sendfile = withBody && !verified && canSendfile(request, target, length);
        if (sendfile) {
            checkFileSize(target, Files.size(target.file()));
        }
        try (FileChannel channel = withBody && !sendfile && target.file() != null ? open(target) : null) {
            writeValidators(response, target);
            response.setHeader("Content-Disposition", ContentDispositionHeader.attachment(target.filename()));
            if (range == null) {
                response.setStatus(HttpServletResponse.SC_OK);
            } else {
                response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
                response.setHeader("Content-Range", range.contentRange(target.size()));
            }
            response.setContentType(mediaType(target));
            response.setContentLengthLong(length);
            if (sendfile) {
                // Tomcat writes the file itself after the servlet returns, straight from the page cache.
                request.setAttribute(SENDFILE_FILENAME_ATTR, target.file().toAbsolutePath().toString());
                request.setAttribute(SENDFILE_START_ATTR, start);
                request.setAttribute(SENDFILE_END_ATTR, start + length);
            } else if (withBody && verified) {
                writer(channel, target, response).verifiedWhole(length, target.check());
            } else if (withBody) {
                writer(channel, target, response).region(start, length);
            }
        }
    }

    private void sendMultipart(HttpServletResponse response, DownloadTarget target, List<ByteRange> ranges)
            throws IOException {
        MultipartByteRanges body = new MultipartByteRanges(ranges, target.size(), mediaType(target),
                MultipartByteRanges.newBoundary());
        try (FileChannel channel = target.file() != null ? open(target) : null) {
            writeValidators(response, target);
            response.setHeader("Content-Disposition", ContentDispositionHeader.attachment(target.filename()));
            response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
            response.setContentType(body.contentType());
            response.setContentLengthLong(body.contentLength());
            body.writeTo(writer(channel, target, response));
        }
    }

    /** Copies from the open file, or (without one) from the target's stream, one ranged read per region. */
    private BodyWriter writer(FileChannel channel, DownloadTarget target, HttpServletResponse response)
            throws IOException {
        return channel != null ? new BodyWriter(channel, response.getOutputStream(), bufferSize)
                : new BodyWriter(target.stream(), response.getOutputStream(), bufferSize);
    }

    private boolean canSendfile(HttpServletRequest request, DownloadTarget target, long length) {
        return useSendfile
                && target.file() != null
                && length >= SENDFILE_MIN_LENGTH
                && Boolean.TRUE.equals(request.getAttribute(SENDFILE_SUPPORTED_ATTR))
                // Tomcat opens the file by its path name, which only names the same file on the default file system.
                && target.file().getFileSystem() == FileSystems.getDefault();
    }

    private static FileChannel open(DownloadTarget target) throws IOException {
        FileChannel channel = FileChannel.open(target.file(), StandardOpenOption.READ);
        try {
            checkFileSize(target, channel.size());
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    private static void checkFileSize(DownloadTarget target, long actual) throws IOException {
        if (actual != target.size()) {
            throw new IOException("file " + target.file() + " has " + actual + " bytes, expected " + target.size());
        }
    }

    private void writeValidators(HttpServletResponse response, DownloadTarget target) {
        response.setHeader("Accept-Ranges", "bytes");
        response.setHeader("ETag", "\"" + target.etag() + "\"");
        response.setHeader("Last-Modified", HttpDates.format(target.lastModified()));
        response.setHeader("Cache-Control", cacheControl);
        response.setHeader("X-Content-Type-Options", "nosniff");
        // Content opened in a browser tab (a user's HTML or SVG) runs in a sandbox: no scripts, no same origin.
        response.setHeader("Content-Security-Policy", "sandbox");
    }

    /** An RFC 9457 body with the fields of every other error answer of the service (none for HEAD). */
    private static void writeProblem(HttpServletRequest request, HttpServletResponse response, int status,
                                     String title, String detail, boolean head) throws IOException {
        String instance = io.filestore.api.web.ApiExceptionHandler.redacted(request.getRequestURI());
        String json = "{\"type\":\"about:blank\",\"title\":" + quote(title) + ",\"status\":" + status
                + ",\"detail\":" + quote(detail) + ",\"instance\":" + quote(instance)
                + ",\"success\":false,\"error\":" + quote(detail) + "}";
        byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setContentLength(body.length);
        if (!head) {
            response.getOutputStream().write(body);
        }
    }

    /** A JSON string literal. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.isSurrogate(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** The target's media type when it is a well-formed ASCII media-type (§8.3.1), else application/octet-stream. */
    static String mediaType(DownloadTarget target) {
        String type = target.mediaType();
        return type != null && MEDIA_TYPE.matcher(type).matches() ? type : FALLBACK_MEDIA_TYPE;
    }
}
