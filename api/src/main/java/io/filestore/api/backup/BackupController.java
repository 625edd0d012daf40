package io.filestore.api.backup;

import io.filestore.api.web.AdminGuard;
import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.BadRequestException;
import io.filestore.api.web.Caller;
import io.filestore.replay.UnknownBackupException;
import io.filestore.replay.backup.BackupDeletion;
import io.filestore.replay.backup.BackupService;
import io.filestore.replay.backup.BackupStatus;
import io.filestore.replay.projection.Projections;
import io.filestore.replay.projection.RebuildService;
import io.filestore.replay.restore.RestoreRequest;
import io.filestore.replay.restore.RestoreService;
import io.filestore.replay.restore.RestoreStatus;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Backups and restores, for system administrators: start a backup (202, it runs in the background), list backups,
 * follow their progress, and restore one, optionally up to a point in time.
 */
@RestController
@RequestMapping("/api/backup")
class BackupController {

    private final BackupService backups;
    private final RestoreService restores;
    private final RebuildService rebuilds;
    private final Projections projections;
    private final AdminGuard admins;
    private final BackupDeletion deletion;
    private final io.filestore.api.audit.AuditFacts facts;

    BackupController(BackupService backups, RestoreService restores, RebuildService rebuilds,
                     Projections projections, AdminGuard admins, BackupDeletion deletion,
                     io.filestore.api.audit.AuditFacts facts) {
        this.facts = facts;
        this.backups = backups;
        this.restores = restores;
        this.rebuilds = rebuilds;
        this.projections = projections;
        this.admins = admins;
        this.deletion = deletion;
    }

    @PostMapping("/start")
    public ResponseEntity<ApiResponse<BackupStatus>> start(Caller caller) {
        admins.requireAdmin(caller);
        BackupStatus backup = backups.start(id ->
                facts.record(new io.filestore.command.api.BackupStartedEvent(id, caller.userId())));
        return ResponseEntity.accepted().location(URI.create("/api/backup/" + backup.id()))
                .body(ApiResponse.ok(backup));
    }

    @GetMapping
    public ApiResponse<Map<String, Object>> list(Caller caller) {
        admins.requireAdmin(caller);
        var list = backups.list();
        return ApiResponse.ok(Map.of("backups", list, "pagination", io.filestore.api.web.Pagination.whole(list.size())));
    }

    /** Running and past backups, restores and rebuilds, and where each projection stands. */
    @GetMapping("/status")
    public ApiResponse<Map<String, Object>> status(Caller caller) {
        admins.requireAdmin(caller);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("backups", backups.list());
        status.put("restores", restores.list());
        status.put("rebuilds", rebuilds.list());
        status.put("projections", projections.status());
        return ApiResponse.ok(status);
    }

    @GetMapping("/{id}")
    public ApiResponse<BackupStatus> backup(Caller caller, @PathVariable String id) {
        admins.requireAdmin(caller);
        return ApiResponse.ok(backups.find(id).orElseThrow(() -> new UnknownBackupException("no backup " + id)));
    }

    /** Deletes a backup that is not running, and the blob copies no other backup references. */
    @DeleteMapping("/{id}")
    public ApiResponse<BackupDeletion.DeletedBackup> delete(Caller caller, @PathVariable String id) {
        admins.requireAdmin(caller);
        BackupDeletion.DeletedBackup deleted = deletion.delete(id);
        facts.record(new io.filestore.command.api.BackupDeletedEvent(id, caller.userId()));
        return ApiResponse.ok(deleted);
    }

    @PostMapping("/restore")
    public ResponseEntity<ApiResponse<RestoreStatus>> restore(Caller caller,
                                                              @RequestBody(required = false) RestoreBody body) {
        admins.requireAdmin(caller);
        if (body == null) {
            throw new BadRequestException("body", "a JSON object with the backupId is required");
        }
        RestoreStatus restore = restores.start(new RestoreRequest(body.backupId(), instant(body.pointInTime()),
                body.position(), Boolean.TRUE.equals(body.replace()), caller.userId().value(),
                io.filestore.api.audit.ClientAddressConfiguration.current()));
        return ResponseEntity.accepted().location(URI.create("/api/backup/restores/" + restore.id()))
                .body(ApiResponse.ok(restore));
    }

    @GetMapping("/restores/{id}")
    public ApiResponse<RestoreStatus> restoreStatus(Caller caller, @PathVariable String id) {
        admins.requireAdmin(caller);
        return ApiResponse.ok(restores.find(id).orElseThrow(() -> new UnknownBackupException("no restore " + id)));
    }

    private static Instant instant(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new BadRequestException("pointInTime", "pointInTime must be an ISO-8601 instant such as "
                    + "2026-03-21T10:15:30Z");
        }
    }

    /** {@code {"backupId": …, "pointInTime": "2026-03-21T10:15:30Z" | "position": 1234, "replace": false}}. */
    public record RestoreBody(String backupId, String pointInTime, Long position, Boolean replace) {
    }
}
