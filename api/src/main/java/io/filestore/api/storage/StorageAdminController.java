package io.filestore.api.storage;

import io.filestore.api.web.AdminGuard;
import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.Caller;
import io.filestore.blob.BlobStore;
import io.filestore.blob.DrainResult;
import io.filestore.blob.NodeStatus;
import io.filestore.blob.NodeUsage;
import io.filestore.blob.Rebalancer;
import io.filestore.blob.Scrubber.ScrubRun;
import io.filestore.blob.StorageHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Storage administration for system administrators (401/403 otherwise): {@code POST /api/admin/storage/scrub} starts
 * (or resumes) a scrub and answers 202 with its status, {@code GET /api/admin/storage/scrub} shows the run in
 * progress, the last finished run (with the files that use each unrecoverable blob) and what reads and heals found.
 * {@code GET /api/admin/storage/nodes} lists the nodes; {@code POST /api/admin/storage/nodes/{id}/read-only},
 * {@code .../drain} and {@code .../up} set a node's state (202 for a drain, which runs in the background).
 */
@RestController
class StorageAdminController {

    /** Files listed per unrecoverable blob. */
    static final int FILES_PER_BLOB = 20;

    private final ScrubService scrubs;
    private final BlobStore blobs;
    private final ReferencedBlobs referenced;
    private final AdminGuard admins;
    private final ScrubProperties properties;
    private final DrainService drains;
    private final StorageNodes added;
    private final RebalanceService rebalance;

    StorageAdminController(ScrubService scrubs, BlobStore blobs, ReferencedBlobs referenced, AdminGuard admins,
                           ScrubProperties properties, DrainService drains, StorageNodes added,
                           RebalanceService rebalance) {
        this.drains = drains;
        this.added = added;
        this.rebalance = rebalance;
        this.scrubs = scrubs;
        this.blobs = blobs;
        this.referenced = referenced;
        this.admins = admins;
        this.properties = properties;
    }

    /** A scrub run as the API shows it. */
    public record RunResponse(Instant startedAt, Instant finishedAt, String position, long blobsChecked,
                              long replicasVerified, long replicasQuarantined, long replicasAdded,
                              long replicasRepaired, long underReplicated, long unrecoverable, long errors,
                              List<UnrecoverableBlob> unrecoverableBlobs) {
    }

    /** A blob with no intact replica and the versions that use it. */
    public record UnrecoverableBlob(String sha256, List<ReferencedBlobs.Use> usedBy) {
    }

    public record ScrubStatus(boolean running, boolean enabled, Duration interval, long rateBytesPerSecond,
                              boolean resumable, RunResponse current, RunResponse lastRun, StorageHealth health) {
    }

    /**
     * A node as the API shows it: {@code path} for a directory node, {@code endpoint} (null for AWS S3's regional
     * endpoint) and {@code bucket} ({@code bucket/prefix}) for an S3 node; capacity and free bytes are 0 for an S3
     * node (a bucket has no known limit).
     */
    public record NodeResponse(String id, String kind, String path, String endpoint, String bucket, String location,
                               String state, long capacityBytes, long usedBytes, long freeBytes, long blobCount,
                               long blobBytes, long errors, boolean draining, DrainResult lastDrain) {
    }

    @GetMapping("/api/admin/storage/nodes")
    public ApiResponse<List<NodeResponse>> nodes(Caller caller) {
        admins.requireAdmin(caller);
        return ApiResponse.ok(blobs.nodes().stream().map(this::response).toList());
    }

    /**
     * A node to add: {@code kind} {@code directory} with an absolute {@code path} (created if missing), or {@code s3}
     * with {@code bucket} (and optionally {@code endpoint}, {@code region}, {@code prefix}, {@code pathStyle});
     * {@code location} defaults to {@code default}.
     */
    public record AddNodeRequest(
            @jakarta.validation.constraints.NotNull
            @jakarta.validation.constraints.Pattern(regexp = "directory|s3", message = "must be directory or s3")
            String kind,
            @jakarta.validation.constraints.Size(max = 4096) String path,
            @jakarta.validation.constraints.Size(max = 2048) String endpoint,
            @jakarta.validation.constraints.Size(max = 64) String region,
            @jakarta.validation.constraints.Size(max = 63) String bucket,
            @jakarta.validation.constraints.Size(max = 512) String prefix,
            Boolean pathStyle,
            @jakarta.validation.constraints.Size(max = 64) String location) {

        StorageNodes.NewNode toNode() {
            String where = location == null ? "default" : location;
            if (kind.equals("directory")) {
                if (path == null || path.isBlank() || bucket != null || endpoint != null) {
                    throw bad("a directory node needs a path (and no bucket or endpoint)", "path");
                }
                java.nio.file.Path dir;
                try {
                    dir = java.nio.file.Path.of(path);
                } catch (java.nio.file.InvalidPathException e) {
                    throw bad("path is not a valid path", "path");
                }
                if (!dir.isAbsolute() || !dir.normalize().equals(dir)) {
                    throw bad("path must be absolute and normalized", "path");
                }
                if (!where.matches("[A-Za-z0-9._-]{1,64}")) {
                    throw bad("location is 1 to 64 letters, digits, '.', '_' or '-'", "location");
                }
                return new StorageNodes.NewNode(kind, dir, null, null, null, null, false, where);
            }
            if (path != null) {
                throw bad("an s3 node has no path", "path");
            }
            java.net.URI uri = null;
            if (endpoint != null) {
                try {
                    uri = new java.net.URI(endpoint);
                } catch (java.net.URISyntaxException e) {
                    throw bad("endpoint is not a URL", "endpoint");
                }
            }
            StorageNodes.NewNode node = new StorageNodes.NewNode(kind, null, uri,
                    region == null ? "us-east-1" : region, bucket, prefix == null ? "" : prefix,
                    Boolean.TRUE.equals(pathStyle), where);
            try {
                StorageNodes.s3(node); // validates
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage(), "s3");
            }
            return node;
        }

        private static ResponseStatusException bad(String message, String parameter) {
            return new ResponseStatusException(HttpStatus.BAD_REQUEST, message);
        }
    }

    /** A rebalance as the API shows it: running, the pass in progress (or pending) and the last finished one. */
    public record RebalanceStatus(boolean running, Rebalancer.RebalanceRun current, Rebalancer.RebalanceRun lastRun) {
    }

    @PostMapping("/api/admin/storage/nodes")
    public ResponseEntity<ApiResponse<NodeResponse>> add(Caller caller,
                                                         @jakarta.validation.Valid
                                                         @org.springframework.web.bind.annotation.RequestBody
                                                         AddNodeRequest body) {
        admins.requireAdmin(caller);
        NodeStatus node = added.add(body.toNode(), caller.userId().value());
        return ResponseEntity.status(HttpStatus.CREATED).body(ApiResponse.ok(response(node)));
    }

    @org.springframework.web.bind.annotation.DeleteMapping("/api/admin/storage/nodes/{id}")
    public ResponseEntity<Void> remove(Caller caller, @PathVariable String id) {
        admins.requireAdmin(caller);
        blobs.nodes().stream().filter(n -> n.name().equals(id)).findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no storage node " + id));
        added.remove(id);
        drains.forget(id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/api/admin/storage/rebalance")
    public ResponseEntity<ApiResponse<RebalanceStatus>> rebalance(Caller caller) {
        admins.requireAdmin(caller);
        rebalance.request();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(ApiResponse.ok(rebalanceStatus()));
    }

    @GetMapping("/api/admin/storage/rebalance")
    public ApiResponse<RebalanceStatus> rebalanceStatus(Caller caller) {
        admins.requireAdmin(caller);
        return ApiResponse.ok(rebalanceStatus());
    }

    private RebalanceStatus rebalanceStatus() {
        return new RebalanceStatus(rebalance.running(), rebalance.current(), rebalance.lastRun());
    }

    @PostMapping("/api/admin/storage/nodes/{id}/drain")
    public ResponseEntity<ApiResponse<NodeResponse>> drain(Caller caller, @PathVariable String id) {
        admins.requireAdmin(caller);
        requireNode(id);
        drains.drain(id);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(ApiResponse.ok(response(node(id))));
    }

    @PostMapping("/api/admin/storage/nodes/{id}/read-only")
    public ApiResponse<NodeResponse> readOnly(Caller caller, @PathVariable String id) {
        admins.requireAdmin(caller);
        requireNode(id);
        drains.forget(id);
        return ApiResponse.ok(response(blobs.setState(id, true, false)));
    }

    @PostMapping("/api/admin/storage/nodes/{id}/up")
    public ApiResponse<NodeResponse> up(Caller caller, @PathVariable String id) {
        admins.requireAdmin(caller);
        requireNode(id);
        drains.forget(id);
        return ApiResponse.ok(response(blobs.setState(id, false, false)));
    }

    private void requireNode(String id) {
        NodeStatus node = blobs.nodes().stream().filter(n -> n.name().equals(id)).findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no storage node " + id));
        if (!node.up()) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "storage node " + id + " is down");
        }
    }

    private NodeStatus node(String id) {
        return blobs.nodes().stream().filter(node -> node.name().equals(id)).findFirst().orElseThrow();
    }

    private NodeResponse response(NodeStatus node) {
        NodeUsage usage = node.up() ? blobs.usage(node.name()) : new NodeUsage(0, 0);
        boolean s3 = node.path() == null;
        long free = s3 ? 0 : node.usableBytes();
        long used = s3 ? usage.bytes() : node.totalBytes() - node.usableBytes();
        return new NodeResponse(node.name(), node.kind(), s3 ? null : node.path().toString(), node.endpoint(),
                node.bucket(), node.location(), node.state(), node.totalBytes(), used, free, usage.blobs(),
                usage.bytes(), node.errors(), drains.running(node.name()), drains.lastResult(node.name()));
    }

    @PostMapping("/api/admin/storage/scrub")
    public ResponseEntity<ApiResponse<ScrubStatus>> scrub(Caller caller) {
        admins.requireAdmin(caller);
        scrubs.start();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(ApiResponse.ok(status()));
    }

    @GetMapping("/api/admin/storage/scrub")
    public ApiResponse<ScrubStatus> scrubStatus(Caller caller) {
        admins.requireAdmin(caller);
        return ApiResponse.ok(status());
    }

    private ScrubStatus status() {
        return new ScrubStatus(scrubs.running(), properties.enabled(), properties.interval(),
                properties.rate().toBytes(), scrubs.interrupted(), response(scrubs.current()),
                response(scrubs.lastRun()), blobs.health());
    }

    private RunResponse response(ScrubRun run) {
        if (run == null) {
            return null;
        }
        List<UnrecoverableBlob> lost = run.unrecoverableBlobs().stream()
                .map(id -> new UnrecoverableBlob(id, referenced.usedBy(id, FILES_PER_BLOB))).toList();
        return new RunResponse(run.startedAt(), run.finishedAt(), run.cursor(), run.blobsChecked(),
                run.replicasVerified(), run.replicasQuarantined(), run.replicasAdded(), run.replicasRepaired(),
                run.underReplicated(), run.unrecoverable(), run.errors(), lost);
    }
}
