package io.filestore.api.tus;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The tus answer headers on every response under /api/uploads, CORS for browsers, and tus' error statuses. */
final class TusWebConfiguration {

    private TusWebConfiguration() {
    }

    /** {@code Tus-Resumable} on every answer under /api/uploads, errors and overload answers included. */
    @Component
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    static class TusHeadersFilter extends OncePerRequestFilter {

        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            String path = request.getRequestURI();
            return !(path.equals("/api/uploads") || path.startsWith("/api/uploads/"));
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            response.setHeader("Tus-Resumable", TusController.VERSION);
            chain.doFilter(request, response);
        }
    }

    /** Lets the configured browser origins call the tus endpoints and read their headers. */
    @Component
    static class TusCors implements WebMvcConfigurer {

        private final TusProperties properties;

        TusCors(TusProperties properties) {
            this.properties = properties;
        }

        @Override
        public void addCorsMappings(CorsRegistry registry) {
            if (properties.corsAllowedOrigins().isEmpty()) {
                return;
            }
            for (String pattern : new String[]{"/api/uploads", "/api/uploads/**"}) {
                registry.addMapping(pattern)
                        .allowedOriginPatterns(properties.corsAllowedOrigins().toArray(String[]::new))
                        .allowedMethods("POST", "GET", "HEAD", "PATCH", "DELETE", "OPTIONS")
                        .allowedHeaders("*")
                        .exposedHeaders(TusController.EXPOSED_HEADERS.toArray(String[]::new))
                        .maxAge(86400);
            }
        }
    }

    /** tus' statuses (409, 412, 415, 460, ...) as RFC 9457 problems, with the headers the protocol asks for. */
    @RestControllerAdvice(assignableTypes = TusController.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    static class TusErrors {

        @ExceptionHandler(TusException.class)
        ResponseEntity<ProblemDetail> tus(TusException e, HttpServletRequest request) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
            if (e.status().value() == TusException.CHECKSUM_MISMATCH) {
                problem.setTitle("Checksum Mismatch");
            }
            problem.setInstance(URI.create(request.getRequestURI()));
            problem.setProperty("success", false);
            problem.setProperty("error", e.getMessage());
            HttpHeaders headers = new HttpHeaders();
            e.headers().forEach(headers::set);
            if (e.status().value() == 409 || e.status().value() == 503) {
                headers.putIfAbsent(HttpHeaders.RETRY_AFTER, java.util.List.of("1"));
            }
            return ResponseEntity.status(e.status()).headers(headers).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(problem);
        }
    }
}
