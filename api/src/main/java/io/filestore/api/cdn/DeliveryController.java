package io.filestore.api.cdn;

import io.filestore.api.config.FilestoreProperties;
import io.filestore.api.download.DownloadResponder;
import io.filestore.api.download.DownloadTarget;
import io.filestore.api.files.FileQueries;
import io.filestore.api.storage.BlobContentCheck;
import io.filestore.api.web.ApiExceptionHandler;
import io.filestore.blob.BlobStore;
import io.filestore.command.api.Actor;
import io.filestore.command.api.FileId;
import io.filestore.command.api.UserId;
import io.filestore.query.metadata.api.FileVersionView;
import io.filestore.query.metadata.api.FileView;
import io.filestore.query.shares.api.ListFileSharesQuery;
import io.filestore.query.shares.api.ShareView;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * The origin of delivery URLs, {@code GET|HEAD /cdn/files/<fileId>/<version>?grant=&expires=&kid=&sig=}: no login,
 * no cookie, nothing that depends on who asks. A URL is served when its signature holds, it has not expired, the file
 * is live (not trashed or purged), the version exists, and the grant it was issued under still holds (the share or
 * public link not revoked or expired; owner and administrator grants hold as long as the file lives). Then the
 * version's bytes go out through the ordinary {@link DownloadResponder} (validators, conditional requests, ranges,
 * HEAD) with {@code Cache-Control: public, max-age=31536000, immutable} (a version never changes), the edge's own
 * lifetime ({@code Surrogate-Control}/{@code CDN-Cache-Control}: the seconds until the URL expires) and the purge
 * tags ({@code Surrogate-Key} space-separated, {@code Cache-Tag} comma-separated; see {@link SurrogateKeys}).
 * Refusals are 403 (bad or expired signature) or 404 (file, version or grant gone), never cacheable.
 */
@RestController
class DeliveryController {

    static final String CACHE_CONTROL = "public, max-age=31536000, immutable";
    private static final Actor SYSTEM = new Actor(new UserId("system"), Set.of(), true);

    private final SigningKeys keys;
    private final FileQueries files;
    private final QueryGateway queries;
    private final BlobStore blobs;
    private final DownloadResponder downloads;
    private final MeterRegistry meters;

    DeliveryController(SigningKeys keys, FileQueries files, QueryGateway queries, BlobStore blobs,
                       FilestoreProperties properties, MeterRegistry meters) {
        this.keys = keys;
        this.files = files;
        this.queries = queries;
        this.blobs = blobs;
        this.meters = meters;
        this.downloads = new DownloadResponder((int) properties.download().bufferSize().toBytes(),
                properties.download().sendfile(), CACHE_CONTROL);
    }

    @RequestMapping(path = "/cdn/files/{fileId}/{version}", method = {RequestMethod.GET, RequestMethod.HEAD})
    @io.filestore.api.web.QueryParameters({"grant", "expires", "kid", "sig", "Expires", "Signature", "Key-Pair-Id"})
    ResponseEntity<ProblemDetail> deliver(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Instant now = Instant.now();
        DeliverySigner.Check check = keys.signer().verify(request.getRequestURI(), request.getQueryString(), now);
        if (check.refusal() != null) {
            return refuse(HttpStatus.FORBIDDEN, switch (check.refusal()) {
                case EXPIRED -> "this delivery URL has expired";
                case MALFORMED -> "not a delivery URL";
                case UNKNOWN_KEY, BAD_SIGNATURE -> "this delivery URL's signature is not valid";
            }, "refused", request);
        }
        DeliverySigner.Verified url = check.verified();
        FileId fileId = new FileId(url.fileId());
        Optional<FileView> found = files.findLive(fileId, SYSTEM);
        if (found.isEmpty() || !grantHolds(found.get(), url.grant(), now)) {
            return refuse(HttpStatus.NOT_FOUND, "no such file", "gone", request);
        }
        FileView file = found.get();
        DownloadTarget target;
        if (url.version() == file.version()) {
            target = BlobContentCheck.target(blobs, file.blobId().sha256(), file.contentUpdatedAt(),
                    file.mediaType().value(), file.name().value());
        } else {
            Optional<FileVersionView> old = url.version() > file.version() ? Optional.empty()
                    : files.version(fileId, url.version(), SYSTEM);
            if (old.isEmpty()) {
                return refuse(HttpStatus.NOT_FOUND, "no such version", "gone", request);
            }
            target = BlobContentCheck.target(blobs, old.get().blobId().sha256(), old.get().uploadedAt(),
                    old.get().mediaType().value(), file.name().value());
        }
        List<String> tags = SurrogateKeys.of(file.fileId().value(), url.version(), file.owner().value(), url.grant());
        long edgeSeconds = Math.max(0, url.expiresAt().getEpochSecond() - now.getEpochSecond());
        response.setHeader("Surrogate-Key", String.join(" ", tags));
        response.setHeader("Cache-Tag", String.join(",", tags));
        response.setHeader("Surrogate-Control", "max-age=" + edgeSeconds);
        response.setHeader("CDN-Cache-Control", "max-age=" + edgeSeconds);
        meters.counter("filestore.cdn.origin.requests", "outcome", "served").increment();
        downloads.respond(request, response, target);
        return null;
    }

    /** Whether the grant the URL was issued under still gives access. */
    private boolean grantHolds(FileView file, String grant, Instant now) {
        if (grant.equals("o") || grant.equals("a")) {
            return true;
        }
        String shareId = grant.substring(2);
        if (grant.startsWith("s.")) {
            return file.permissions().grants().stream()
                    .anyMatch(g -> g.shareId().equals(shareId) && g.activeAt(now));
        }
        List<ShareView> shares = queries.query(new ListFileSharesQuery(file.fileId()),
                ResponseTypes.multipleInstancesOf(ShareView.class)).join();
        return shares.stream().anyMatch(s -> s.link() && s.shareId().equals(shareId) && !s.expiredAt(now)
                && s.maxDownloads() == null);
    }

    private ResponseEntity<ProblemDetail> refuse(HttpStatus status, String detail, String outcome,
                                                 HttpServletRequest request) {
        meters.counter("filestore.cdn.origin.requests", "outcome", outcome).increment();
        ResponseEntity<ProblemDetail> problem = ApiExceptionHandler.problem(status, detail, request, null);
        return ResponseEntity.status(problem.getStatusCode()).headers(problem.getHeaders())
                .header(HttpHeaders.CACHE_CONTROL, "no-store").body(problem.getBody());
    }
}
