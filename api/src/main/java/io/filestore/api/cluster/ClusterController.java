package io.filestore.api.cluster;

import io.filestore.api.web.AdminGuard;
import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.Caller;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /api/admin/cluster}, for system administrators: this instance's name, the live instances sharing the
 * database, whether this instance hears the others' notifications, whether it balances segments, and for each
 * processor who claims each segment (from the token store; {@code ownerLive} false for a claim left by an instance
 * that is gone and not yet taken over).
 */
@RestController
class ClusterController {

    private final Instances instances;
    private final SegmentClaims claims;
    private final ClusterListener listener;
    private final ClusterProperties properties;
    private final AdminGuard admins;

    ClusterController(Instances instances, SegmentClaims claims, ClusterListener listener,
                      ClusterProperties properties, AdminGuard admins) {
        this.instances = instances;
        this.claims = claims;
        this.listener = listener;
        this.properties = properties;
        this.admins = admins;
    }

    /** One segment as shown. */
    record SegmentView(int segment, String owner, boolean ownerLive) {
    }

    /** One processor as shown. */
    record ProcessorView(String name, List<SegmentView> segments) {
    }

    /** The overview. */
    record ClusterView(String instance, List<String> liveInstances, boolean listening, boolean balanceSegments,
                       List<ProcessorView> processors) {
    }

    @GetMapping("/api/admin/cluster")
    ApiResponse<ClusterView> cluster(Caller caller) {
        admins.requireAdmin(caller);
        SegmentClaims.Snapshot snapshot;
        try {
            snapshot = claims.read();
        } catch (SQLException e) {
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "the database cannot be read now");
        }
        List<ProcessorView> processors = new ArrayList<>();
        for (Map.Entry<String, List<SegmentClaims.Claim>> processor : new java.util.TreeMap<>(snapshot.processors())
                .entrySet()) {
            List<SegmentView> segments = processor.getValue().stream()
                    .map(c -> new SegmentView(c.segment(), c.owner(),
                            c.owner() != null && snapshot.live().contains(c.owner())))
                    .toList();
            processors.add(new ProcessorView(processor.getKey(), segments));
        }
        return ApiResponse.ok(new ClusterView(instances.id(), snapshot.live(), listener.listening(),
                properties.balanceSegments(), processors));
    }
}
