package io.filestore.api.cdn;

import io.filestore.api.deadletter.DeadLetters;
import io.filestore.api.web.AdminGuard;
import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.Caller;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * For system administrators: {@code GET /api/admin/cdn} shows the CDN settings in force, the active signing key id
 * (never a secret) and the purge backlog (purges sent and failed, events parked in the {@code cdn-purge}
 * dead-letter queue, the processor's position against the event stream's head); {@code POST /api/admin/cdn/signing-keys/rotate} makes a new generated key the active one
 * (409 when the keys come from the settings).
 */
@RestController
class CdnAdminController {

    private final CdnProperties properties;
    private final SigningKeys keys;
    private final AdminGuard admins;
    private final DeadLetters deadLetters;
    private final ObjectProvider<CdnPurger> purger;
    private final io.filestore.replay.projection.Projections projections;

    CdnAdminController(CdnProperties properties, SigningKeys keys, AdminGuard admins, DeadLetters deadLetters,
                       ObjectProvider<CdnPurger> purger, io.filestore.replay.projection.Projections projections) {
        this.projections = projections;
        this.properties = properties;
        this.keys = keys;
        this.admins = admins;
        this.deadLetters = deadLetters;
        this.purger = purger;
    }

    @GetMapping("/api/admin/cdn")
    ApiResponse<Map<String, Object>> status(Caller caller) {
        admins.requireAdmin(caller);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("baseUrl", properties.baseUrl() == null ? null : properties.baseUrl().toString());
        body.put("publicBaseUrl", properties.publicBaseUrl() == null ? null : properties.publicBaseUrl().toString());
        body.put("activeKey", keys.signer().activeKeyId());
        body.put("keysFromSettings", !keys.rotatable());
        Map<String, Object> purges = new LinkedHashMap<>();
        purges.put("enabled", properties.purge().enabled());
        purges.put("url", properties.purge().enabled() ? properties.purge().url().toString() : null);
        CdnPurger current = purger.getIfAvailable();
        if (current != null) {
            purges.put("sent", current.sent());
            purges.put("failedAttempts", current.failedAttempts());
            purges.put("lastFailure", current.lastFailure());
        }
        purges.put("parked", deadLetters.counts().getOrDefault(CdnPurgeProcessor.GROUP, 0L));
        if (current != null) {
            // where the processor is in the event stream, against the stream's head: the events not yet looked at
            projections.status().stream().filter(p -> p.name().equals(CdnPurgeProcessor.GROUP)).findFirst()
                    .ifPresent(status -> purges.put("processor", status));
        }
        body.put("purges", purges);
        return ApiResponse.ok(body);
    }

    @PostMapping("/api/admin/cdn/signing-keys/rotate")
    ApiResponse<Map<String, Object>> rotate(Caller caller) {
        admins.requireAdmin(caller);
        if (!keys.rotatable()) {
            throw new ResponseStatusException(HttpStatus.CONFLICT,
                    "the signing keys come from filestore.cdn.signing.keys: rotate them in the settings");
        }
        return ApiResponse.ok(Map.of("activeKey", keys.rotate()));
    }
}
