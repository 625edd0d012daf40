package io.filestore.api.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet container's error page ({@code /error}), replacing Spring Boot's default JSON: an error raised
 * outside Spring MVC (a filter's {@code sendError}, the request firewall, an exception in a filter) is answered as
 * an RFC 9457 problem like every other error. Called directly, {@code /error} is no endpoint: 404.
 */
@RestController
class ProblemErrorController implements ErrorController {

    private final ApiExceptionHandler handler;

    ProblemErrorController(ApiExceptionHandler handler) {
        this.handler = handler;
    }

    @RequestMapping("/error")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (!(code instanceof Integer status) || status < 400) {
            return ApiExceptionHandler.problem(HttpStatus.NOT_FOUND, "no such endpoint", request, null);
        }
        Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        HttpServletRequest original = new OriginalRequest(request);
        if (exception instanceof Exception e) {
            return handler.handle(e, original);
        }
        HttpStatusCode statusCode = HttpStatusCode.valueOf(status);
        HttpStatus known = HttpStatus.resolve(status);
        String detail = switch (status) {
            case 400 -> "the request is malformed";
            case 404 -> "no such endpoint";
            default -> known != null ? known.getReasonPhrase().toLowerCase(java.util.Locale.ROOT)
                    : "the request cannot be processed";
        };
        return ApiExceptionHandler.problem(statusCode, detail, original, null);
    }

    /**
     * The failed request's path (not {@code /error}) for the problem's {@code instance}, and its method for the log
     * (an error dispatch is a GET since Servlet 6.1).
     */
    private static final class OriginalRequest extends jakarta.servlet.http.HttpServletRequestWrapper {

        OriginalRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getRequestURI() {
            Object uri = getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
            return uri instanceof String s ? s : super.getRequestURI();
        }

        @Override
        public String getMethod() {
            Object method = getAttribute(RequestDispatcher.ERROR_METHOD);
            return method instanceof String s ? s : super.getMethod();
        }
    }
}
