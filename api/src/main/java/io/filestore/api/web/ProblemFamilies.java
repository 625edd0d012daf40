package io.filestore.api.web;

import static io.filestore.api.web.ApiExceptionHandler.causeOfType;
import static io.filestore.api.web.ApiExceptionHandler.problem;
import static io.filestore.api.web.ApiExceptionHandler.rootCause;
import static io.filestore.api.web.ApiExceptionHandler.withHeaders;

import io.filestore.blob.BlobStoreException;
import io.filestore.command.api.ConflictException;
import io.filestore.command.api.InsufficientPermissionException;
import io.filestore.command.api.InvalidValueException;
import io.filestore.command.api.NotFoundException;
import io.filestore.command.api.UnavailableException;
import io.filestore.command.api.UnknownFileException;
import io.filestore.command.api.VersionConflictException;
import io.filestore.replay.InvalidRequestException;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.ExceptionHandlerMethodResolver;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;

/**
 * One answer per exception family. The families are types: {@link NotFoundException} (404),
 * {@link ConflictException} (409), {@link UnavailableException} (503 with {@code Retry-After}) and the API's own
 * {@link ApiException} (400, 401, 403, 413), plus the few single types that carry fields of their own (412 with the
 * current version, 400 naming a parameter) and Spring's. Each is mapped once; for a given exception the method of
 * its most specific family answers (Spring's rule for {@code @ExceptionHandler}, applied here by
 * {@link ExceptionHandlerMethodResolver}). This class is not an advice itself: {@link ApiExceptionHandler} first
 * handles what holds for every failure, then asks it.
 */
final class ProblemFamilies {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
    private static final ExceptionHandlerMethodResolver RESOLVER =
            new ExceptionHandlerMethodResolver(ProblemFamilies.class);

    private final ApiExceptionHandler handler;

    ProblemFamilies(ApiExceptionHandler handler) {
        this.handler = handler;
    }

    @SuppressWarnings("unchecked")
    ResponseEntity<ProblemDetail> answer(Throwable e, HttpServletRequest request) {
        Method method = RESOLVER.resolveMethodByThrowable(e);
        try {
            return (ResponseEntity<ProblemDetail>) method.invoke(this, e, request);
        } catch (IllegalAccessException ex) {
            throw new IllegalStateException(ex);
        } catch (InvocationTargetException ex) {
            return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal error", request, ex.getCause());
        }
    }

    /** Axon wraps what a command handler threw: the cause decides. */
    @ExceptionHandler(CommandExecutionException.class)
    ResponseEntity<ProblemDetail> commandFailed(CommandExecutionException e, HttpServletRequest request) {
        if (e.getCause() instanceof RuntimeException cause && cause != e) {
            return handler.handle(cause, request);
        }
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "command failed", request, e);
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<ProblemDetail> notFound(NotFoundException e, HttpServletRequest request) {
        return problem(HttpStatus.NOT_FOUND, e.publicDetail(), request, null);
    }

    /** Axon's: a command named an aggregate that does not exist (a file id: answered like any hidden file). */
    @ExceptionHandler(AggregateNotFoundException.class)
    ResponseEntity<ProblemDetail> noAggregate(AggregateNotFoundException e, HttpServletRequest request) {
        return problem(HttpStatus.NOT_FOUND, "file not found", request, null);
    }

    @ExceptionHandler(ConflictException.class)
    ResponseEntity<ProblemDetail> conflict(ConflictException e, HttpServletRequest request) {
        return problem(HttpStatus.CONFLICT, e.getMessage(), request, null);
    }

    /** A restore or rebuild beside other live instances: the problem names them ({@code instances}). */
    @ExceptionHandler(io.filestore.replay.OtherInstancesLiveException.class)
    ResponseEntity<ProblemDetail> othersLive(io.filestore.replay.OtherInstancesLiveException e,
                                             HttpServletRequest request) {
        ResponseEntity<ProblemDetail> answer = problem(HttpStatus.CONFLICT, e.getMessage(), request, null);
        answer.getBody().setProperty("instances", e.instances());
        return answer;
    }

    @ExceptionHandler(UnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(UnavailableException e, HttpServletRequest request) {
        log.warn("{} {}: {}", request.getMethod(), ApiExceptionHandler.redacted(request.getRequestURI()),
                e.getMessage());
        ResponseEntity<ProblemDetail> answer = problem(HttpStatus.SERVICE_UNAVAILABLE, e.publicDetail(), request, null);
        return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(e.retryAfterSeconds())).body(answer.getBody());
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> refused(ApiException e, HttpServletRequest request) {
        ResponseEntity<ProblemDetail> answer = problem(e.status(), e.getMessage(), request, null);
        e.describe(answer.getBody());
        return answer;
    }

    @ExceptionHandler(InsufficientPermissionException.class)
    ResponseEntity<ProblemDetail> forbidden(InsufficientPermissionException e, HttpServletRequest request) {
        return problem(HttpStatus.FORBIDDEN, e.getMessage(), request, null);
    }

    @ExceptionHandler(InvalidValueException.class)
    ResponseEntity<ProblemDetail> invalidValue(InvalidValueException e, HttpServletRequest request) {
        return withParameter(problem(HttpStatus.BAD_REQUEST, e.getMessage(), request, null), e.field());
    }

    @ExceptionHandler(InvalidRequestException.class)
    ResponseEntity<ProblemDetail> invalidRequest(InvalidRequestException e, HttpServletRequest request) {
        return withParameter(problem(HttpStatus.BAD_REQUEST, e.getMessage(), request, null), e.parameter());
    }

    @ExceptionHandler(VersionConflictException.class)
    ResponseEntity<ProblemDetail> versionConflict(VersionConflictException e, HttpServletRequest request) {
        ResponseEntity<ProblemDetail> answer = problem(HttpStatus.PRECONDITION_FAILED, e.getMessage(), request, null);
        answer.getBody().setProperty("currentVersion", e.currentVersion());
        answer.getBody().setProperty("currentChecksum", e.currentBlob().checksum());
        if (e.currentRevision() >= 0) {
            answer.getBody().setProperty("currentETag", "\"r" + e.currentRevision() + "\"");
        }
        return answer;
    }

    @ExceptionHandler(BlobStoreException.class)
    ResponseEntity<ProblemDetail> storage(BlobStoreException e, HttpServletRequest request) {
        return switch (e.reason()) {
            case TOO_LARGE -> problem(HttpStatus.CONTENT_TOO_LARGE, e.getMessage(), request, null);
            case DIGEST_MISMATCH -> problem(HttpStatus.BAD_REQUEST, e.getMessage(), request, null);
            case INVALID_ID -> problem(HttpStatus.BAD_REQUEST, e.getMessage(), request, null);
            case UNAVAILABLE -> retryLater(problem(HttpStatus.SERVICE_UNAVAILABLE,
                    "no storage node can take the content now", request, e));
            case INSUFFICIENT_STORAGE -> problem(HttpStatus.INSUFFICIENT_STORAGE,
                    "no storage node has room for the content", request, null);
            case INVALID_STATE -> problem(HttpStatus.CONFLICT, e.getMessage(), request, null);
            case OFFLINE -> retryLater(problem(HttpStatus.SERVICE_UNAVAILABLE,
                    "the file's content is only on storage nodes that are down now", request, e));
            case NOT_FOUND, CORRUPT -> problem(HttpStatus.INTERNAL_SERVER_ERROR,
                    "no intact copy of the file's content is left on any storage node", request, e);
            default -> problem(HttpStatus.INTERNAL_SERVER_ERROR, "storage error", request, e);
        };
    }

    /** A JSON body that could not be read: a value refused while binding answers as itself. */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        Throwable root = rootCause(e);
        if (root instanceof InvalidValueException || root instanceof PayloadTooLargeException) {
            return handler.handle(root, request);
        }
        JacksonException json = causeOfType(e, JacksonException.class);
        if (json != null) {
            return handler.handle(JsonErrors.badRequest(json, "the JSON body", "body"), request);
        }
        return problem(HttpStatus.BAD_REQUEST, "malformed JSON body", request, null);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        return withParameter(problem(HttpStatus.BAD_REQUEST, "invalid value for parameter '" + e.getName() + "'",
                request, null), e.getName());
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missing(MissingServletRequestParameterException e, HttpServletRequest request) {
        return withParameter(problem(HttpStatus.BAD_REQUEST, "missing parameter '" + e.getParameterName() + "'",
                request, null), e.getParameterName());
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<ProblemDetail> invalidBody(MethodArgumentNotValidException e, HttpServletRequest request) {
        org.springframework.validation.FieldError field = e.getBindingResult().getFieldErrors().stream()
                .sorted(java.util.Comparator.comparing(org.springframework.validation.FieldError::getField))
                .findFirst().orElse(null);
        if (field == null) {
            return problem(HttpStatus.BAD_REQUEST, "invalid request body", request, null);
        }
        return withParameter(problem(HttpStatus.BAD_REQUEST, field.getField() + " " + field.getDefaultMessage(),
                request, null), field.getField());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> noEndpoint(NoResourceFoundException e, HttpServletRequest request) {
        return problem(HttpStatus.NOT_FOUND, "no such endpoint", request, null);
    }

    /** 405 and 415 keep their {@code Allow} / {@code Accept} header and Spring's message. */
    @ExceptionHandler({HttpRequestMethodNotSupportedException.class, HttpMediaTypeNotSupportedException.class})
    ResponseEntity<ProblemDetail> unsupported(Exception e, HttpServletRequest request) {
        ErrorResponse error = (ErrorResponse) e;
        return withHeaders(problem(error.getStatusCode(), e.getMessage(), request, null), error.getHeaders());
    }

    /** Everything else: Spring's own errors as they describe themselves, a known cause as itself, else a 500. */
    @ExceptionHandler(Throwable.class)
    ResponseEntity<ProblemDetail> other(Throwable e, HttpServletRequest request) {
        if (e instanceof ErrorResponse error) {
            return withHeaders(problem(error.getStatusCode(), error.getBody().getDetail(), request, null),
                    error.getHeaders());
        }
        if (e.getCause() instanceof RuntimeException cause && cause != e
                && (cause instanceof InvalidValueException || cause instanceof UnknownFileException)) {
            return handler.handle(cause, request);
        }
        java.sql.SQLTransientConnectionException busy = causeOfType(e, java.sql.SQLTransientConnectionException.class);
        if (busy != null) { // every pooled connection stayed in use for the pool's connection-timeout
            log.warn("{} {}: {}", request.getMethod(), ApiExceptionHandler.redacted(request.getRequestURI()),
                    busy.getMessage());
            return retryLater(problem(HttpStatus.SERVICE_UNAVAILABLE,
                    "the database is busy: no connection became free in time; retry later", request, null));
        }
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal error", request, e);
    }

    private static ResponseEntity<ProblemDetail> withParameter(ResponseEntity<ProblemDetail> answer, String name) {
        answer.getBody().setProperty("parameter", name);
        return answer;
    }

    private static ResponseEntity<ProblemDetail> retryLater(ResponseEntity<ProblemDetail> answer) {
        return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, "30").body(answer.getBody());
    }
}
