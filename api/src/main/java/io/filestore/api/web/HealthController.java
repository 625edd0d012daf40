package io.filestore.api.web;

import io.filestore.api.config.ElasticsearchProperties;
import io.filestore.api.deadletter.DeadLetters;
import io.filestore.blob.BlobStore;
import io.filestore.blob.NodeStatus;
import io.filestore.query.search.api.SearchIndexAdministration;
import io.filestore.replay.projection.RebuildService;
import io.filestore.replay.restore.MaintenanceMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /health} (the seed's shape): overall status plus each dependency. 200 when the service can serve
 * files (database and at least one storage node up), 503 otherwise; a search outage only degrades it, and so does
 * every state in which answers may be wrong or incomplete (check {@code consistency}): a restore unfinished
 * (changes are refused and content may be missing until it completes, also after a restart), a projection being
 * rebuilt, a search index being rebuilt or filled or not belonging to this event store; and so do events parked
 * in a processor's dead-letter queue (check {@code deadLetters} names the processors), and so does an instance that
 * shares the database with others but cannot hear them (check {@code cluster}).
 * Unauthenticated on purpose (load balancers call it); it reveals no file data.
 */
@RestController
class HealthController {

    private final JdbcClient jdbc;
    private final BlobStore blobs;
    private final URI elasticsearch;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final io.filestore.api.security.AdminBootstrap bootstrap;
    private final MaintenanceMode maintenance;
    private final RebuildService rebuilds;
    private final SearchIndexAdministration searchIndex;
    private final DeadLetters deadLetters;
    private final io.filestore.api.cluster.Instances instances;
    private final io.filestore.api.cluster.ClusterListener listener;

    HealthController(JdbcClient jdbc, BlobStore blobs, ElasticsearchProperties es,
                            io.filestore.api.security.AdminBootstrap bootstrap, MaintenanceMode maintenance,
                            RebuildService rebuilds, SearchIndexAdministration searchIndex, DeadLetters deadLetters,
                            io.filestore.api.cluster.Instances instances,
                            io.filestore.api.cluster.ClusterListener listener) {
        this.instances = instances;
        this.listener = listener;
        this.bootstrap = bootstrap;
        this.maintenance = maintenance;
        this.rebuilds = rebuilds;
        this.searchIndex = searchIndex;
        this.deadLetters = deadLetters;
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
        List<String> incomplete = database ? incomplete() : List.of("the database is unreachable");
        checks.put("consistency", Map.of("status", incomplete.isEmpty() ? "up" : "degraded",
                "reasons", incomplete));
        // other instances on the database: without the listener, their writes reach this one only by polling and a
        // write here waits out its timeout for views they process (the names stay out: this answer is public)
        int others = database ? instances.others().size() : 0;
        boolean cluster = others == 0 || listener.listening();
        checks.put("cluster", Map.of("status", cluster ? "up" : "degraded", "otherInstances", others,
                "listening", listener.listening()));
        Map<String, Long> parked = database ? parked() : Map.of();
        checks.put("deadLetters", parked.isEmpty() ? Map.of("status", "up")
                : Map.of("status", "degraded", "processors", parked));
        boolean serving = database && up > 0 && bootstrap.done();
        boolean healthy = serving && up == nodes.size() && search.equals("up") && incomplete.isEmpty()
                && parked.isEmpty() && redundancy.redundant() && cluster;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", !bootstrap.done() ? "starting" : healthy ? "healthy" : serving ? "degraded" : "unhealthy");
        body.put("timestamp", Instant.now());
        body.put("checks", checks);
        return ResponseEntity.status(serving ? 200 : 503).body(body);
    }

    /** Why answers may now be wrong or incomplete (empty when they are complete). */
    private List<String> incomplete() {
        List<String> reasons = new ArrayList<>();
        try {
            if (maintenance.active()) {
                reasons.add("a restore is unfinished: changes are refused, and views and file content are "
                        + "incomplete until it has completed");
            }
        } catch (RuntimeException e) {
            reasons.add("the state of the restores cannot be read: " + e.getMessage());
        }
        rebuilds.running().ifPresent(r -> reasons.add("projection " + r.projection() + " is being rebuilt"));
        String search = searchIndex.incompleteBecause();
        if (search != null) {
            reasons.add(search);
        }
        return reasons;
    }

    private boolean database() {
        try {
            return jdbc.sql("SELECT 1").query(Integer.class).single() == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The processors with parked events and how many each has (empty when none, or when it cannot be read). */
    private Map<String, Long> parked() {
        try {
            Map<String, Long> parked = new java.util.TreeMap<>();
            deadLetters.counts().forEach((processor, count) -> {
                if (count > 0) {
                    parked.put(processor, count);
                }
            });
            return parked;
        } catch (RuntimeException e) {
            return Map.of();
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
