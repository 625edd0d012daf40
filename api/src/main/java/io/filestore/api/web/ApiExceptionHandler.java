package io.filestore.api.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.axonframework.commandhandling.CommandExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.util.DisconnectedClientHelper;

/**
 * Maps every failure to an RFC 9457 {@code application/problem+json} answer with the right status, plus the seed's
 * {@code "success": false, "error": "<message>"}. First what holds for any failure: a download cut off is not
 * answered, a client that disconnected gets a short 400. Then {@link ProblemFamilies} maps the failure by its
 * family, each family once (the most specific family of the exception wins); Axon's
 * {@link CommandExecutionException} is unwrapped there. Server errors are logged with their cause; the client never
 * sees a stack trace.
 */
@RestControllerAdvice
public class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    private final ProblemFamilies families = new ProblemFamilies(this);

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> any(Exception e, HttpServletRequest request) {
        if (e instanceof io.filestore.api.download.CorruptContentException) { // a download cut off: append nothing
            log.error("{} {} was cut off: {}", request.getMethod(), redacted(request.getRequestURI()), e.getMessage());
            return null;
        }
        return handle(e, request);
    }

    /** The answer to {@code e} (also for a cause unwrapped by a family). */
    ResponseEntity<ProblemDetail> handle(Throwable e, HttpServletRequest request) {
        if (DisconnectedClientHelper.isClientDisconnectedException(e)) { // looks through the causes too
            // Nothing was kept (content is stored only once it is complete) and nobody reads the answer: no error.
            log.info("{} {}: the client closed the connection before the request was complete ({})",
                    request.getMethod(), redacted(request.getRequestURI()), rootCause(e).toString());
            return problem(HttpStatus.BAD_REQUEST, "the request ended before its content was complete", request,
                    null);
        }
        return families.answer(e, request);
    }

    /** Keeps the header fields Spring's exception carries ({@code Allow} on 405, {@code Accept} on 415, ...). */
    static ResponseEntity<ProblemDetail> withHeaders(ResponseEntity<ProblemDetail> answer, HttpHeaders extra) {
        if (extra == null || extra.isEmpty()) {
            return answer;
        }
        HttpHeaders headers = new HttpHeaders();
        headers.addAll(answer.getHeaders());
        headers.addAll(extra);
        return ResponseEntity.status(answer.getStatusCode()).headers(headers).body(answer.getBody());
    }

    public static ResponseEntity<ProblemDetail> problem(HttpStatusCode status, String detail, HttpServletRequest request,
                                                 Throwable logged) {
        String path = redacted(request.getRequestURI());
        if (logged != null) {
            log.error("{} {} failed: {}", request.getMethod(), path, logged.toString(), logged);
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setInstance(URI.create(path));
        problem.setProperty("success", false);
        problem.setProperty("error", detail);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    /** Public-link paths carry a secret token: it never goes into a log line or an answer. */
    public static String redacted(String path) {
        return path.replaceAll("^/s/[^/]+", "/s/redacted");
    }

    static <T extends Throwable> T causeOfType(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
