package io.filestore.api.encryption;

import io.filestore.api.web.AdminGuard;
import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.Caller;
import io.filestore.blob.BlobEncryption;
import io.filestore.blob.Rewrapper.RewrapRun;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Encryption at rest for system administrators (401/403 otherwise): {@code GET /api/admin/encryption} shows the
 * master keys and the re-wrap job; {@code POST /api/admin/encryption/rotate} makes a new master key primary and
 * starts re-wrapping every data key (202); {@code POST /api/admin/encryption/rewrap} starts that job alone (202);
 * {@code DELETE /api/admin/encryption/keys/{id}} retires a key that nothing needs any more (409 while something may).
 */
@RestController
class EncryptionAdminController {

    private final KeyRotationService rotation;
    private final AdminGuard admins;

    EncryptionAdminController(KeyRotationService rotation, AdminGuard admins) {
        this.rotation = rotation;
        this.admins = admins;
    }

    /**
     * The state of encryption at rest: {@code encryptsNewBlobs}, the master keys (ids are Tink's key ids),
     * whether the service may change the keyset, the re-wrap job in progress and the last finished one.
     */
    public record EncryptionStatus(boolean encryptsNewBlobs, int primaryKeyId, List<BlobEncryption.MasterKey> keys,
                                   boolean keysetWritable, boolean rewrapRunning, RewrapRun rewrap,
                                   RewrapRun lastRewrap) {
    }

    /** The answer to a rotation. */
    public record Rotated(int primaryKeyId, EncryptionStatus status) {
    }

    @GetMapping("/api/admin/encryption")
    public ApiResponse<EncryptionStatus> status(Caller caller) {
        admins.requireAdmin(caller);
        return ApiResponse.ok(status());
    }

    @PostMapping("/api/admin/encryption/rotate")
    public ResponseEntity<ApiResponse<Rotated>> rotate(Caller caller) throws IOException {
        admins.requireAdmin(caller);
        int id = conflicts(() -> rotation.rotate());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(ApiResponse.ok(new Rotated(id, status())));
    }

    @PostMapping("/api/admin/encryption/rewrap")
    public ResponseEntity<ApiResponse<EncryptionStatus>> rewrap(Caller caller) throws IOException {
        admins.requireAdmin(caller);
        conflicts(() -> {
            rotation.rewrap();
            return 0;
        });
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(ApiResponse.ok(status()));
    }

    @DeleteMapping("/api/admin/encryption/keys/{id}")
    public ApiResponse<EncryptionStatus> retire(Caller caller, @PathVariable("id") String id) throws IOException {
        admins.requireAdmin(caller);
        int keyId;
        try {
            keyId = Integer.parseInt(id);
        } catch (NumberFormatException e) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no master key " + id);
        }
        try {
            conflicts(() -> {
                rotation.retire(keyId);
                return 0;
            });
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, e.getMessage());
        }
        return ApiResponse.ok(status());
    }

    private EncryptionStatus status() {
        BlobEncryption encryption = rotation.encryption();
        return new EncryptionStatus(encryption.encryptsNewBlobs(), encryption.primaryKeyId(), encryption.masterKeys(),
                encryption.keysetWritable(), rotation.running(), rotation.current(), rotation.lastRun());
    }

    @FunctionalInterface
    private interface Action {
        int run() throws IOException;
    }

    private static int conflicts(Action action) throws IOException {
        try {
            return action.run();
        } catch (KeyRotationService.Conflict e) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, e.getMessage());
        }
    }
}
