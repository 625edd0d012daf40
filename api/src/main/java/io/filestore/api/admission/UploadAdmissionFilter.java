package io.filestore.api.admission;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Admission control for requests that stream file content: at most {@code max-concurrent} run, at most
 * {@code max-queued} wait (first come, first served) up to {@code queue-timeout}; any other is answered
 * 503 with {@code Retry-After} before a byte of its body is read, so overload never half-writes a file and
 * the memory, temp files, threads and database connections that uploads use stay bounded. Reads are not
 * affected: they never wait here. A request gives its slot back as soon as its content is stored
 * ({@link #releaseEarly()}); the command and the read-your-writes wait that follow need no slot.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
public class UploadAdmissionFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(UploadAdmissionFilter.class);

    private final Semaphore slots;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong rejected = new AtomicLong();
    private final AdmissionProperties properties;

    public UploadAdmissionFilter(AdmissionProperties properties) {
        this.properties = properties;
        this.slots = new Semaphore(properties.maxConcurrent(), true);
    }

    /** Content uploads: one-piece and new-version uploads, tus creation and PATCH (also as an overridden POST). */
    static boolean isUpload(HttpServletRequest request) {
        String method = request.getMethod();
        String path = request.getRequestURI();
        if (path.equals("/api/uploads") || path.startsWith("/api/uploads/")) {
            return method.equals("POST") || method.equals("PATCH");
        }
        if (path.equals("/api/files/upload")) {
            return method.equals("POST") || method.equals("PUT");
        }
        return method.equals("PUT") && path.startsWith("/api/files/")
                && path.indexOf('/', "/api/files/".length()) < 0;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !isUpload(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!admit()) {
            long count = rejected.incrementAndGet();
            if (count == 1 || count % 1000 == 0) {
                log.warn("Upload admission: {} requests answered 503 so far ({} running, {} waiting at most)",
                        count, properties.maxConcurrent(), properties.maxQueued());
            }
            reject(response);
            return;
        }
        Slot slot = new Slot(slots);
        request.setAttribute(Slot.ATTRIBUTE, slot);
        try {
            chain.doFilter(request, response);
        } finally {
            slot.release();
        }
    }

    /**
     * Gives the current request's upload slot back before the request ends: called once the content is stored, so
     * that waiting for the command and the view (mostly idle) does not hold back the next upload's streaming.
     */
    public static void releaseEarly() {
        org.springframework.web.context.request.RequestAttributes attributes =
                org.springframework.web.context.request.RequestContextHolder.getRequestAttributes();
        if (attributes != null && attributes.getAttribute(Slot.ATTRIBUTE,
                org.springframework.web.context.request.RequestAttributes.SCOPE_REQUEST) instanceof Slot slot) {
            slot.release();
        }
    }

    /** One admitted request's slot, released exactly once. */
    static final class Slot {
        static final String ATTRIBUTE = Slot.class.getName();
        private final Semaphore slots;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

        Slot(Semaphore slots) {
            this.slots = slots;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                slots.release();
            }
        }
    }

    private boolean admit() {
        try {
            if (slots.tryAcquire(0, TimeUnit.NANOSECONDS)) {
                return true;
            }
            if (waiting.incrementAndGet() > properties.maxQueued()) {
                waiting.decrementAndGet();
                return false;
            }
            try {
                return slots.tryAcquire(properties.queueTimeout().toNanos(), TimeUnit.NANOSECONDS);
            } finally {
                waiting.decrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void reject(HttpServletResponse response) throws IOException {
        long seconds = Math.max(1, properties.retryAfter().toSeconds());
        response.setStatus(503);
        response.setHeader("Retry-After", String.valueOf(seconds));
        response.setHeader("Connection", "close");
        response.setContentType("application/problem+json");
        String detail = "too many uploads at once; retry in " + seconds + " s";
        byte[] body = ("{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,\"detail\":\""
                + detail + "\",\"success\":false,\"error\":\"" + detail + "\"}").getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Requests streaming content now (for tests and monitoring). */
    public int running() {
        return properties.maxConcurrent() - slots.availablePermits();
    }

    /** Requests waiting for a slot now. */
    public int waiting() {
        return waiting.get();
    }

    public long rejectedCount() {
        return rejected.get();
    }
}
