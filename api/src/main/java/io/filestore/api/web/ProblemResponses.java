package io.filestore.api.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** RFC 9457 answers written by servlet filters (401, 403, 413), where the controller advice cannot reach. */
@Component
public class ProblemResponses {

    public static final String CHALLENGE = "Basic realm=\"filestore\", Bearer realm=\"filestore\"";
    /**
     * The challenge for script requests (marked {@code X-Requested-With}, as the web interface's are): without
     * {@code Basic}, so a browser never opens its own password dialog over the page.
     */
    public static final String SCRIPT_CHALLENGE = "Bearer realm=\"filestore\"";

    private final JsonMapper json;

    public ProblemResponses(JsonMapper json) {
        this.json = json;
    }

    public void unauthorized(HttpServletRequest request, HttpServletResponse response, String detail)
            throws IOException {
        response.setHeader("WWW-Authenticate",
                request.getHeader("X-Requested-With") == null ? CHALLENGE : SCRIPT_CHALLENGE);
        write(request, response, 401, "Unauthorized", detail);
    }

    public void forbidden(HttpServletRequest request, HttpServletResponse response, String detail) throws IOException {
        write(request, response, 403, "Forbidden", detail);
    }

    public void write(HttpServletRequest request, HttpServletResponse response, int status, String title,
                      String detail) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", ApiExceptionHandler.redacted(request.getRequestURI()));
        body.put("success", false);
        body.put("error", detail);
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.getOutputStream().write(json.writeValueAsBytes(body));
    }
}
