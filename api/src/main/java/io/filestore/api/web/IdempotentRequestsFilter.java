package io.filestore.api.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * {@code Idempotency-Key} (IETF httpapi draft) on every non-idempotent {@code POST} of the API with a JSON (or empty)
 * body: shares and public links, rollback to a version, restore from the trash, API tokens, user accounts, backups
 * and restores, rebuilds, dead-letter retries... The key belongs to its caller (the authenticated user), so runs
 * after authentication. The first request with a key runs and, when it succeeds (2xx), its answer is kept in
 * {@link IdempotencyKeys}' table; a retry with the same key, method, path, query and body gets that answer again,
 * marked {@code Idempotent-Replayed: true}, without running again. The same key with a different request is
 * {@code 422}, and while the first request is still running {@code 409}. An answer that is not a success is not
 * kept (nothing was done, or it may be retried): the key is free again. One-piece uploads and new versions (their
 * bodies are file content) and tus have their own handling; see {@code IdempotentUploads}.
 *
 * <p>Limit: a process that stops after the change committed but before the answer was kept leaves a claim that a
 * retry takes over and runs again (uploads avoid this by choosing the file id when the key is claimed).
 */
@Component
public class IdempotentRequestsFilter extends OncePerRequestFilter {

    static final String REPLAYED = "Idempotent-Replayed";

    private final IdempotencyKeys keys;
    private final ProblemResponses problems;

    public IdempotentRequestsFilter(IdempotencyKeys keys, ProblemResponses problems) {
        this.keys = keys;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !request.getMethod().equals("POST") || request.getHeader(IdempotencyKeys.HEADER) == null
                || !path.startsWith("/api/") || JsonBodyLimitFilter.isContentUpload(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !(authentication.getPrincipal() instanceof Caller caller)) {
            chain.doFilter(request, response); // the endpoint answers 401 (or is public)
            return;
        }
        String key;
        try {
            key = IdempotencyKeys.parse(request.getHeader(IdempotencyKeys.HEADER));
        } catch (BadRequestException e) {
            problems.write(request, response, 400, "Bad Request", e.getMessage());
            return;
        }
        byte[] body;
        try {
            body = request.getInputStream().readAllBytes();
        } catch (PayloadTooLargeException e) {
            problems.write(request, response, 413, "Payload Too Large", e.getMessage());
            return;
        }
        String callerId = caller.userId().value();
        String line = request.getMethod() + " " + request.getRequestURI()
                + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        String fingerprint = IdempotencyKeys.fingerprint(line, request.getContentType(), sha256(body),
                request.getHeader("If-Match"));
        IdempotencyKeys.Claim claim = keys.claim(callerId, key, line, null);
        if (claim instanceof IdempotencyKeys.InFlight) {
            problems.write(request, response, 409, "Conflict",
                    "a request with this Idempotency-Key is still being processed");
            return;
        }
        if (claim instanceof IdempotencyKeys.Done done) {
            if (!done.requestLine().equals(line) || !fingerprint.equals(done.fingerprint())) {
                problems.write(request, response, 422, "Unprocessable Content",
                        "this Idempotency-Key was used for a different request");
                return;
            }
            response.setStatus(done.status());
            if (done.location() != null) {
                response.setHeader("Location", done.location());
            }
            response.setHeader(REPLAYED, "true");
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getOutputStream().write(done.body().getBytes(StandardCharsets.UTF_8));
            return;
        }
        ContentCachingResponseWrapper answer = new ContentCachingResponseWrapper(response);
        boolean kept = false;
        try {
            chain.doFilter(new ReplayedBody(request, body), answer);
            int status = answer.getStatus();
            if (status >= 200 && status < 300) {
                keys.complete(callerId, key, fingerprint, status, answer.getHeader("Location"),
                        new String(answer.getContentAsByteArray(), StandardCharsets.UTF_8));
                kept = true;
            }
        } finally {
            if (!kept) {
                keys.release(callerId, key);
            }
            answer.copyBodyToResponse();
        }
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request with its body already read, served again from memory (at most the JSON body limit). */
    private static final class ReplayedBody extends HttpServletRequestWrapper {

        private final byte[] body;

        ReplayedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(),
                    getCharacterEncoding() == null ? StandardCharsets.UTF_8
                            : java.nio.charset.Charset.forName(getCharacterEncoding())));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
