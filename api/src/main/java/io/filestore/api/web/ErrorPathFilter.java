package io.filestore.api.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code /error} is the servlet container's internal error page: asked for directly it has no error to render, and
 * Spring's error controller answered 500. A client's own request for it is a 400 (the rule: what once was a
 * 5xx answers 400); the container's error dispatches (not filtered here) still reach it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
public class ErrorPathFilter extends OncePerRequestFilter {

    private final ProblemResponses problems;

    public ErrorPathFilter(ProblemResponses problems) {
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.equals("/error") || path.startsWith("/error/") || path.startsWith("/error;"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        problems.write(request, response, 400, "Bad Request",
                "/error is the server's internal error page, not an endpoint");
    }
}
