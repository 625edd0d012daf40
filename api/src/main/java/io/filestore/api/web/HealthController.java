package io.filestore.api.web;

import io.filestore.api.config.ElasticsearchProperties;
import io.filestore.blob.BlobStore;
import io.filestore.blob.NodeStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /health} (the seed's shape): overall status plus each dependency. 200 when the service can serve
 * files (database and at least one storage node up), 503 otherwise; a search outage only degrades it.
 * Unauthenticated on purpose (load balancers call it); it reveals no file data.
 */
@RestController
public class HealthController {

    private final JdbcClient jdbc;
    private final BlobStore blobs;
    private final URI elasticsearch;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final io.filestore.api.security.AdminBootstrap bootstrap;

    public HealthController(JdbcClient jdbc, BlobStore blobs, ElasticsearchProperties es,
                            io.filestore.api.security.AdminBootstrap bootstrap) {
        this.bootstrap = bootstrap;
        this.jdbc = jdbc;
        this.blobs = blobs;
        this.elasticsearch = es.url().resolve("/_cluster/health");
    }

    @GetMapping("/health")
    public ResponseEntity<Map<String, Object>> health() {
        Map<String, Object> checks = new LinkedHashMap<>();
        boolean database = database();
        checks.put("database", Map.of("status", database ? "up" : "down"));
        List<NodeStatus> nodes = blobs.nodes();
        long up = nodes.stream().filter(NodeStatus::up).count();
        checks.put("storage", Map.of("status", up == nodes.size() ? "up" : up > 0 ? "degraded" : "down",
                "nodesUp", up, "nodes", nodes.size()));
        io.filestore.blob.StorageHealth redundancy = blobs.health(); // blobs below R replicas or with none left
        checks.put("redundancy", Map.of("status", redundancy.redundant() ? "up" : "degraded",
                "underReplicatedBlobs", redundancy.underReplicated(), "unrecoverableBlobs", redundancy.unrecoverable()));
        String search = elasticsearch();
        checks.put("search", Map.of("status", search));
        boolean serving = database && up > 0 && bootstrap.done();
        boolean healthy = serving && up == nodes.size() && search.equals("up") && redundancy.redundant();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", !bootstrap.done() ? "starting" : healthy ? "healthy" : serving ? "degraded" : "unhealthy");
        body.put("timestamp", Instant.now());
        body.put("checks", checks);
        return ResponseEntity.status(serving ? 200 : 503).body(body);
    }

    private boolean database() {
        try {
            return jdbc.sql("SELECT 1").query(Integer.class).single() == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private String elasticsearch() {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(elasticsearch)
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200 ? "up" : "down";
        } catch (java.io.IOException e) {
            return "down";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "down";
        }
    }
}
