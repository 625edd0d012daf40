package io.filestore.api.backup;

import io.filestore.api.web.AdminGuard;
import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.Caller;
import io.filestore.replay.UnknownProjectionException;
import io.filestore.replay.projection.Projections;
import io.filestore.replay.projection.RebuildService;
import io.filestore.replay.projection.RebuildStatus;
import java.net.URI;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The projections, for system administrators: where each stands, a digest of their views, and a rebuild of one
 * (a replay from the start of the event store while the service keeps serving).
 */
@RestController
@RequestMapping("/api/admin/projections")
class ProjectionController {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._\\-]{1,100}");

    private final Projections projections;
    private final RebuildService rebuilds;
    private final AdminGuard admins;

    ProjectionController(Projections projections, RebuildService rebuilds, AdminGuard admins) {
        this.projections = projections;
        this.rebuilds = rebuilds;
        this.admins = admins;
    }

    @GetMapping
    public ApiResponse<Map<String, Object>> list(Caller caller) {
        admins.requireAdmin(caller);
        return ApiResponse.ok(Map.of("projections", projections.status(), "rebuilds", rebuilds.list()));
    }

    /** SHA-256 of each projection's views (reads every row: as costly as the views are large). */
    @GetMapping("/digest")
    public ApiResponse<Map<String, String>> digest(Caller caller) {
        admins.requireAdmin(caller);
        return ApiResponse.ok(projections.digests());
    }

    @PostMapping("/{name}/rebuild")
    public ResponseEntity<ApiResponse<RebuildStatus>> rebuild(Caller caller, @PathVariable String name) {
        admins.requireAdmin(caller);
        if (!NAME.matcher(name).matches()) {
            throw new UnknownProjectionException("no projection " + name);
        }
        RebuildStatus rebuild = rebuilds.start(name);
        return ResponseEntity.accepted().location(URI.create("/api/admin/projections")).body(ApiResponse.ok(rebuild));
    }
}
