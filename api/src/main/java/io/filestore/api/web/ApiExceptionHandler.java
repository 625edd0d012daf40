package io.filestore.api.web;

import io.filestore.api.upload.MalformedMultipartException;
import io.filestore.blob.BlobStoreException;
import io.filestore.command.api.FileAccessDeniedException;
import io.filestore.command.api.FileDeletedException;
import io.filestore.command.api.FileNotDeletedException;
import io.filestore.command.api.InvalidValueException;
import io.filestore.command.api.UnknownFileException;
import io.filestore.command.api.UnknownVersionException;
import io.filestore.command.api.VersionConflictException;
import io.filestore.replay.InvalidRequestException;
import io.filestore.replay.OperationConflictException;
import io.filestore.replay.RestoreInProgressException;
import io.filestore.replay.UnknownBackupException;
import io.filestore.replay.UnknownProjectionException;
import io.filestore.query.search.api.SearchUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.web.util.DisconnectedClientHelper;
import tools.jackson.core.JacksonException;

/**
 * Maps every failure to an RFC 9457 {@code application/problem+json} answer with the right status, plus the seed's
 * {@code "success": false, "error": "<message>"}. Axon's {@link CommandExecutionException} is unwrapped. Server
 * errors are logged with their cause; the client never sees a stack trace.
 */
@RestControllerAdvice
public class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
    /** How long a client should wait before searching again when Elasticsearch is unreachable. */
    static final String SEARCH_RETRY_AFTER_SECONDS = "10";

    @ExceptionHandler(CommandExecutionException.class)
    ResponseEntity<ProblemDetail> commandFailed(CommandExecutionException e, HttpServletRequest request) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException runtime && cause != e) {
            return handle(runtime, request);
        }
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "command failed", request, e);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> any(Exception e, HttpServletRequest request) {
        if (e instanceof io.filestore.api.download.CorruptContentException) { // a download cut off: append nothing
            log.error("{} {} was cut off: {}", request.getMethod(), redacted(request.getRequestURI()), e.getMessage());
            return null;
        }
        return handle(e, request);
    }

    ResponseEntity<ProblemDetail> handle(Exception e, HttpServletRequest request) {
        if (e instanceof CommandExecutionException cee && cee.getCause() instanceof RuntimeException cause
                && cause != cee) {
            return handle(cause, request);
        }
        if (DisconnectedClientHelper.isClientDisconnectedException(e)) { // looks through the causes too
            // Nothing was kept (content is stored only once it is complete) and nobody reads the answer: no error.
            log.info("{} {}: the client closed the connection before the request was complete ({})",
                    request.getMethod(), redacted(request.getRequestURI()), rootCause(e).toString());
            return problem(HttpStatus.BAD_REQUEST, "the request ended before its content was complete", request,
                    null);
        }
        if (e instanceof UnauthenticatedException) {
            return problem(HttpStatus.UNAUTHORIZED, e.getMessage(), request, null);
        }
        if (e instanceof ForbiddenException) {
            return problem(HttpStatus.FORBIDDEN, e.getMessage(), request, null);
        }
        if (e instanceof SearchUnavailableException) {
            log.warn("{} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
            ResponseEntity<ProblemDetail> answer = problem(HttpStatus.SERVICE_UNAVAILABLE,
                    "search is temporarily unavailable; uploads and downloads still work", request, null);
            return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                    .header(HttpHeaders.RETRY_AFTER, SEARCH_RETRY_AFTER_SECONDS).body(answer.getBody());
        }
        if (e instanceof UnknownFileException || e instanceof FileAccessDeniedException
                || e instanceof FileDeletedException || e instanceof AggregateNotFoundException) {
            return problem(HttpStatus.NOT_FOUND, "file not found", request, null);
        }
        if (e instanceof io.filestore.command.api.UnknownUserException
                || e instanceof io.filestore.command.api.UnknownTokenException) {
            return problem(HttpStatus.NOT_FOUND, e.getMessage(), request, null);
        }
        if (e instanceof io.filestore.api.security.AccountConflictException) {
            return problem(HttpStatus.CONFLICT, e.getMessage(), request, null);
        }
        if (e instanceof io.filestore.command.api.InsufficientPermissionException) {
            return problem(HttpStatus.FORBIDDEN, e.getMessage(), request, null);
        }
        if (e instanceof io.filestore.command.api.UnknownShareException) {
            return problem(HttpStatus.NOT_FOUND, e.getMessage(), request, null);
        }
        if (e instanceof UnknownBackupException || e instanceof UnknownProjectionException) {
            return problem(HttpStatus.NOT_FOUND, e.getMessage(), request, null);
        }
        if (e instanceof OperationConflictException) {
            return problem(HttpStatus.CONFLICT, e.getMessage(), request, null);
        }
        if (e instanceof InvalidRequestException invalid) {
            ResponseEntity<ProblemDetail> answer = problem(HttpStatus.BAD_REQUEST, e.getMessage(), request, null);
            answer.getBody().setProperty("parameter", invalid.parameter());
            return answer;
        }
        if (e instanceof RestoreInProgressException) {
            ResponseEntity<ProblemDetail> answer = problem(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage(), request,
                    null);
            return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                    .header(HttpHeaders.RETRY_AFTER, "30").body(answer.getBody());
        }
        if (e instanceof UnknownVersionException) {
            return problem(HttpStatus.NOT_FOUND, e.getMessage(), request, null);
        }
        if (e instanceof FileNotDeletedException) {
            return problem(HttpStatus.CONFLICT, e.getMessage(), request, null);
        }
        if (e instanceof VersionConflictException conflict) {
            ResponseEntity<ProblemDetail> answer = problem(HttpStatus.PRECONDITION_FAILED, e.getMessage(), request, null);
            answer.getBody().setProperty("currentVersion", conflict.currentVersion());
            answer.getBody().setProperty("currentChecksum", conflict.currentBlob().checksum());
            if (conflict.currentRevision() >= 0) {
                answer.getBody().setProperty("currentETag", "\"r" + conflict.currentRevision() + "\"");
            }
            return answer;
        }
        if (e instanceof InvalidValueException invalid) {
            ResponseEntity<ProblemDetail> answer = problem(HttpStatus.BAD_REQUEST, e.getMessage(), request, null);
            answer.getBody().setProperty("parameter", invalid.field());
            return answer;
        }
        if (e instanceof BadRequestException bad) {
            ResponseEntity<ProblemDetail> answer = problem(HttpStatus.BAD_REQUEST, e.getMessage(), request, null);
            answer.getBody().setProperty("parameter", bad.parameter());
            return answer;
        }
        if (e instanceof MalformedMultipartException) {
            return problem(HttpStatus.BAD_REQUEST, e.getMessage(), request, null);
        }
        if (e instanceof PayloadTooLargeException) {
            return problem(HttpStatus.CONTENT_TOO_LARGE, e.getMessage(), request, null);
        }
        if (e instanceof BlobStoreException blob) {
            return blobProblem(blob, request);
        }
        if (e instanceof HttpMessageNotReadableException) {
            Throwable root = rootCause(e);
            if (root instanceof InvalidValueException invalid) {
                return handle(invalid, request);
            }
            if (root instanceof PayloadTooLargeException tooLarge) {
                return handle(tooLarge, request);
            }
            JacksonException json = causeOfType(e, JacksonException.class);
            if (json != null) {
                return handle(JsonErrors.badRequest(json, "the JSON body", "body"), request);
            }
            return problem(HttpStatus.BAD_REQUEST, "malformed JSON body", request, null);
        }
        if (e instanceof MethodArgumentTypeMismatchException mismatch) {
            ResponseEntity<ProblemDetail> answer = problem(HttpStatus.BAD_REQUEST,
                    "invalid value for parameter '" + mismatch.getName() + "'", request, null);
            answer.getBody().setProperty("parameter", mismatch.getName());
            return answer;
        }
        if (e instanceof MissingServletRequestParameterException missing) {
            ResponseEntity<ProblemDetail> answer = problem(HttpStatus.BAD_REQUEST,
                    "missing parameter '" + missing.getParameterName() + "'", request, null);
            answer.getBody().setProperty("parameter", missing.getParameterName());
            return answer;
        }
        if (e instanceof MethodArgumentNotValidException invalid) {
            org.springframework.validation.FieldError field = invalid.getBindingResult().getFieldErrors().stream()
                    .sorted(java.util.Comparator.comparing(org.springframework.validation.FieldError::getField))
                    .findFirst().orElse(null);
            if (field == null) {
                return problem(HttpStatus.BAD_REQUEST, "invalid request body", request, null);
            }
            ResponseEntity<ProblemDetail> answer = problem(HttpStatus.BAD_REQUEST,
                    field.getField() + " " + field.getDefaultMessage(), request, null);
            answer.getBody().setProperty("parameter", field.getField());
            return answer;
        }
        if (e instanceof NoResourceFoundException) {
            return problem(HttpStatus.NOT_FOUND, "no such endpoint", request, null);
        }
        if (e instanceof HttpRequestMethodNotSupportedException || e instanceof HttpMediaTypeNotSupportedException) {
            ErrorResponse error = (ErrorResponse) e;
            return withHeaders(problem(error.getStatusCode(), e.getMessage(), request, null), error.getHeaders());
        }
        if (e instanceof ErrorResponse error) {
            return withHeaders(problem(error.getStatusCode(), error.getBody().getDetail(), request, null),
                    error.getHeaders());
        }
        if (e.getCause() instanceof RuntimeException cause && cause != e
                && (cause instanceof InvalidValueException || cause instanceof UnknownFileException)) {
            return handle(cause, request);
        }
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal error", request, e);
    }

    private ResponseEntity<ProblemDetail> blobProblem(BlobStoreException e, HttpServletRequest request) {
        return switch (e.reason()) {
            case TOO_LARGE -> problem(HttpStatus.CONTENT_TOO_LARGE, e.getMessage(), request, null);
            case DIGEST_MISMATCH -> problem(HttpStatus.BAD_REQUEST, e.getMessage(), request, null);
            case INVALID_ID -> problem(HttpStatus.BAD_REQUEST, e.getMessage(), request, null);
            case UNAVAILABLE -> {
                ResponseEntity<ProblemDetail> answer = problem(HttpStatus.SERVICE_UNAVAILABLE,
                        "no storage node can take the content now", request, e);
                yield ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                        .header(HttpHeaders.RETRY_AFTER, "30").body(answer.getBody());
            }
            case INSUFFICIENT_STORAGE -> problem(HttpStatus.INSUFFICIENT_STORAGE,
                    "no storage node has room for the content", request, null);
            case INVALID_STATE -> problem(HttpStatus.CONFLICT, e.getMessage(), request, null);
            case OFFLINE -> {
                ResponseEntity<ProblemDetail> answer = problem(HttpStatus.SERVICE_UNAVAILABLE,
                        "the file's content is only on storage nodes that are down now", request, e);
                yield ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                        .header(HttpHeaders.RETRY_AFTER, "30").body(answer.getBody());
            }
            case NOT_FOUND, CORRUPT -> problem(HttpStatus.INTERNAL_SERVER_ERROR,
                    "no intact copy of the file's content is left on any storage node", request, e);
            default -> problem(HttpStatus.INTERNAL_SERVER_ERROR, "storage error", request, e);
        };
    }

    /** Keeps the header fields Spring's exception carries ({@code Allow} on 405, {@code Accept} on 415, ...). */
    private static ResponseEntity<ProblemDetail> withHeaders(ResponseEntity<ProblemDetail> answer, HttpHeaders extra) {
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

    private static <T extends Throwable> T causeOfType(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
