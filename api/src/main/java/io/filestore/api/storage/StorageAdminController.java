package io.filestore.api.storage;

import io.filestore.api.web.AdminGuard;
import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.Caller;
import io.filestore.blob.BlobStore;
import io.filestore.blob.DrainResult;
import io.filestore.blob.NodeStatus;
import io.filestore.blob.NodeUsage;
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
public class StorageAdminController {

    /** Files listed per unrecoverable blob. */
    static final int FILES_PER_BLOB = 20;

    private final ScrubService scrubs;
    private final BlobStore blobs;
    private final ReferencedBlobs referenced;
    private final AdminGuard admins;
    private final ScrubProperties properties;
    private final DrainService drains;

    public StorageAdminController(ScrubService scrubs, BlobStore blobs, ReferencedBlobs referenced, AdminGuard admins,
                                  ScrubProperties properties, DrainService drains) {
        this.drains = drains;
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

    /** A node as the API shows it. */
    public record NodeResponse(String id, String kind, String path, String location, String state, long capacityBytes,
                               long usedBytes, long freeBytes, long blobCount, long blobBytes, long errors,
                               boolean draining, DrainResult lastDrain) {
    }

    @GetMapping("/api/admin/storage/nodes")
    public ApiResponse<List<NodeResponse>> nodes(Caller caller) {
        admins.requireAdmin(caller);
        return ApiResponse.ok(blobs.nodes().stream().map(this::response).toList());
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
        return new NodeResponse(node.name(), node.kind(), node.path().toString(), node.location(), node.state(),
                node.totalBytes(), node.totalBytes() - node.usableBytes(), node.usableBytes(), usage.blobs(),
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
