package io.filestore.api.cdn;

import io.filestore.api.files.FileQueries;
import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.BadRequestException;
import io.filestore.api.web.Caller;
import io.filestore.command.api.FileId;
import io.filestore.command.api.UnknownFileException;
import io.filestore.command.api.UnknownVersionException;
import io.filestore.query.metadata.api.FileView;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.time.Instant;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/files/{id}/delivery-url}: a signed delivery URL of a version of the file (default: the current
 * one), for any reader of the file (others get 404, as for every read). Body optional:
 * {@code {"expiresInSeconds": 1..max-url-lifetime, "version": n}}. Answer: {@code {"url", "expiresAt"}}; the expiry
 * is rounded up to the expiry window and never later than the share through which the caller reads.
 */
@RestController
class DeliveryUrlController {

    /** The body: both fields optional. */
    record DeliveryUrlRequest(@Min(1) @Max(366L * 24 * 3600) Long expiresInSeconds,
                              @Min(1) @Max(1_000_000_000) Integer version) {
    }

    record DeliveryUrlResponse(String url, Instant expiresAt) {
    }

    private final FileQueries files;
    private final DeliveryUrls urls;
    private final CdnProperties properties;

    DeliveryUrlController(FileQueries files, DeliveryUrls urls, CdnProperties properties) {
        this.files = files;
        this.urls = urls;
        this.properties = properties;
    }

    @PostMapping("/api/files/{id}/delivery-url")
    ApiResponse<DeliveryUrlResponse> issue(Caller caller, @PathVariable String id,
                                           @Valid @RequestBody(required = false) DeliveryUrlRequest body) {
        DeliveryUrlRequest request = body != null ? body : new DeliveryUrlRequest(null, null);
        Duration lifetime = properties.urlLifetime();
        if (request.expiresInSeconds() != null) {
            if (request.expiresInSeconds() > properties.maxUrlLifetime().toSeconds()) {
                throw new BadRequestException("expiresInSeconds", "expiresInSeconds must be between 1 and "
                        + properties.maxUrlLifetime().toSeconds());
            }
            lifetime = Duration.ofSeconds(request.expiresInSeconds());
        }
        FileId fileId = new FileId(id);
        FileView file = files.live(fileId, caller.actor());
        int version = file.version();
        if (request.version() != null && request.version() != file.version()) {
            version = files.version(fileId, request.version(), caller.actor())
                    .orElseThrow(() -> new UnknownVersionException("file " + id + " has no version "
                            + request.version()))
                    .version();
        }
        DeliveryUrls.GrantChoice grant = DeliveryUrls.grantOf(file.permissions(), caller.actor(), Instant.now())
                .orElseThrow(() -> new UnknownFileException("no file " + fileId));
        DeliveryUrls.Issued issued = urls.issue(fileId, version, grant, lifetime);
        return ApiResponse.ok(new DeliveryUrlResponse(issued.url(), issued.expiresAt()));
    }
}
