package io.filestore.api.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Prometheus metrics for administrators, and an OpenAPI description that lists every endpoint the code has. */
class ObservabilityIT {

    private final Api alice = Api.newUser();

    @Test
    void prometheusShowsRequestsProjectionLagAdmissionAndBytesToAdministratorsOnly() {
        String id = alice.upload("metrics.txt", "observable".getBytes(StandardCharsets.UTF_8));
        assertThat(alice.get("/api/files/" + id).statusCode()).isEqualTo(200);

        HttpResponse<String> metrics = asAdmin("/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        String body = metrics.body();
        assertThat(body).contains("http_server_requests_seconds_count{")
                .containsPattern("http_server_requests_seconds_count\\{[^}]*uri=\"/api/files/\\{id}\"")
                .containsPattern("http_server_requests_seconds_bucket\\{[^}]*uri=\"/api/files/\\{id}\"");
        for (String processor : List.of("metadata", "audit", "search")) {
            assertThat(body).containsPattern("filestore_projection_lag\\{[^}]*processor=\"" + processor + "\"[^}]*} [0-9.]+");
        }
        assertThat(body).containsPattern("filestore_upload_admission_waiting(\\{[^}]*})? [0-9.]+")
                .containsPattern("filestore_upload_admission_rejected_total(\\{[^}]*})? [0-9.]+")
                .containsPattern("filestore_storage_node_up\\{[^}]*node=\"node-1\"[^}]*} 1.0")
                .containsPattern("tomcat_global_sent_bytes_total(\\{[^}]*})? [1-9]")
                .contains("hikaricp_connections_active");

        assertThat(alice.get("/actuator/prometheus").statusCode()).isEqualTo(403);
        HttpResponse<String> anonymous = alice.send(HttpRequest.newBuilder(alice.app.uri("/actuator/prometheus"))
                .GET().build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    void openApiDescribesEveryEndpointOfTheCode() {
        HttpResponse<String> docs = alice.send(HttpRequest.newBuilder(alice.app.uri("/v3/api-docs")).GET().build());
        assertThat(docs.statusCode()).isEqualTo(200);
        JsonNode paths = Api.json(docs).get("paths");
        assertThat(paths).isNotNull();

        List<String> endpoints = endpointsOfTheCode();
        assertThat(endpoints).hasSizeGreaterThan(30); // the scan found the controllers
        List<String> missing = new ArrayList<>();
        for (String endpoint : endpoints) {
            String[] parts = endpoint.split(" ", 2);
            JsonNode path = paths.get(parts[1]);
            if (path == null || path.get(parts[0].toLowerCase(Locale.ROOT)) == null) {
                missing.add(endpoint);
            }
        }
        assertThat(missing).as("endpoints of the code missing from /v3/api-docs").isEmpty();

        HttpResponse<String> ui = alice.send(HttpRequest.newBuilder(alice.app.uri("/swagger-ui/index.html"))
                .GET().build());
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui");
    }

    /** "METHOD /path" for every handler method of every {@code @RestController} under io.filestore.api. */
    private static List<String> endpointsOfTheCode() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(RestController.class));
        List<String> endpoints = new ArrayList<>();
        for (var candidate : scanner.findCandidateComponents("io.filestore.api")) {
            Class<?> type;
            try {
                type = Class.forName(candidate.getBeanClassName());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            RequestMapping root = AnnotatedElementUtils.findMergedAnnotation(type, RequestMapping.class);
            String[] prefixes = root == null || root.path().length == 0 ? new String[] {""} : root.path();
            for (Method method : type.getDeclaredMethods()) {
                RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(method, RequestMapping.class);
                if (mapping == null) {
                    continue;
                }
                String[] paths = mapping.path().length == 0 ? new String[] {""} : mapping.path();
                var verbs = mapping.method().length == 0
                        ? new org.springframework.web.bind.annotation.RequestMethod[] {
                                org.springframework.web.bind.annotation.RequestMethod.GET}
                        : mapping.method();
                for (String prefix : prefixes) {
                    for (String path : paths) {
                        for (var verb : verbs) {
                            endpoints.add(verb.name() + " " + normalize(prefix + path));
                        }
                    }
                }
            }
        }
        return endpoints;
    }

    /** {@code /files/{id:[a-z]+}} as OpenAPI writes it: {@code /files/{id}}. */
    private static String normalize(String path) {
        String withoutRegex = path.replaceAll("\\{([A-Za-z0-9_]+):[^}]*}", "{$1}");
        return withoutRegex.isEmpty() ? "/" : withoutRegex;
    }

    private HttpResponse<String> asAdmin(String path) {
        return alice.send(alice.app.asAdmin(path)
                .GET().build());
    }
}
