package io.filestore.api.web;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's own error answers (a request Tomcat refuses before the application sees it: an invalid URI such as
 * {@code %zz}, an encoded slash, oversized or malformed headers) as RFC 9457 {@code application/problem+json}
 * with the same fields as every other error, instead of Tomcat's HTML page. Tomcat's message is not echoed (it may
 * quote the request); the detail is a fixed sentence per status.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    private final JsonMapper json;

    public ProblemErrorReportValve(JsonMapper json) {
        this.json = json;
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // Nothing on 1xx-3xx, nothing when the application wrote an answer, and report each error only once.
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        try {
            response.resetBuffer();
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(json.writeValueAsString(body(status, request)));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The connection is gone or the answer is already committed: nothing more can be said.
        }
    }

    static Map<String, Object> body(int status, Request request) {
        HttpStatus known = HttpStatus.resolve(status);
        String title = known != null ? known.getReasonPhrase() : "Error";
        String detail = detail(status);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        String uri = request.getRequestURI();
        if (uri != null && uri.startsWith("/") && uri.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            body.put("instance", ApiExceptionHandler.redacted(uri));
        }
        body.put("success", false);
        body.put("error", detail);
        return body;
    }

    private static String detail(int status) {
        return switch (status) {
            case 400 -> "the request is malformed (its path or header fields are not valid HTTP)";
            case 404 -> "no such endpoint";
            case 405 -> "this method is not allowed here";
            case 413 -> "the request is too large";
            case 414 -> "the request URI is too long";
            case 431 -> "the request's header fields are too large";
            case 503 -> "the service is not available now";
            default -> status >= 500 ? "internal error" : "the request cannot be processed";
        };
    }
}
