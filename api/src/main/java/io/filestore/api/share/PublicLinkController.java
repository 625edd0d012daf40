package io.filestore.api.share;

import io.filestore.api.config.FilestoreProperties;
import io.filestore.api.download.DownloadResponder;
import io.filestore.api.download.DownloadTarget;
import io.filestore.api.files.FileQueries;
import io.filestore.api.security.Accounts;
import io.filestore.api.security.GuessThrottle;
import io.filestore.api.web.ApiExceptionHandler;
import io.filestore.api.web.ApiResponse;
import io.filestore.blob.BlobStore;
import io.filestore.command.api.Actor;
import io.filestore.command.api.CountLinkDownloadCommand;
import io.filestore.command.api.LinkDownloadLimitReachedException;
import io.filestore.command.api.UserId;
import io.filestore.query.metadata.api.FileView;
import io.filestore.query.shares.api.FindPublicLinkQuery;
import io.filestore.query.shares.api.ShareView;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Public links, no account needed: {@code GET /s/{token}} describes the file, {@code GET /s/{token}/download}
 * streams it (with ranges). A password goes in the {@code X-Share-Password} header or a {@code password} form field
 * ({@code POST}); wrong passwords are throttled per link and client address ({@link GuessThrottle}). A link stops working at its expiry instant, when revoked, when
 * its file is deleted, and when its download limit is used up. Every answer with content (200 or 206, whatever the
 * range) counts as one download, before any byte is sent; HEAD, 304, 412 and 416 do not. Counts are events
 * ({@link CountLinkDownloadCommand} on the link's own counter aggregate), so they survive a restore.
 */
@RestController
class PublicLinkController {

    static final String PASSWORD_HEADER = "X-Share-Password";
    private static final Actor SYSTEM = new Actor(new UserId("system"), Set.of(), true);

    private final QueryGateway queries;
    private final FileQueries files;
    private final BlobStore blobs;
    private final io.filestore.api.write.Writes writes;
    private final GuessThrottle attempts;
    private final DownloadResponder downloads;
    private final io.filestore.api.audit.AccessRecorder accesses;
    private final PasswordEncoder encoder = io.filestore.api.security.Passwords.encoder();

    PublicLinkController(QueryGateway queries, FileQueries files, BlobStore blobs, io.filestore.api.write.Writes writes,
                         GuessThrottle attempts, FilestoreProperties properties,
                         io.filestore.api.audit.AccessRecorder accesses) {
        this.accesses = accesses;
        this.queries = queries;
        this.files = files;
        this.blobs = blobs;
        this.writes = writes;
        this.attempts = attempts;
        this.downloads = new DownloadResponder((int) properties.download().bufferSize().toBytes(),
                properties.download().sendfile(), "private, no-store");
    }

    @RequestMapping(path = "/s/{token}", method = {RequestMethod.GET, RequestMethod.POST})
    public ResponseEntity<?> describe(@PathVariable String token, HttpServletRequest request) {
        Resolved resolved = resolve(token, request);
        if (resolved.refusal != null) {
            return resolved.refusal;
        }
        FileView file = resolved.file;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", file.name().value());
        body.put("size", file.size());
        body.put("mimeType", file.mediaType().value());
        body.put("checksum", file.blobId().checksum());
        body.put("updatedAt", file.contentUpdatedAt());
        body.put("expiresAt", resolved.link.expiresAt());
        body.put("passwordProtected", resolved.link.passwordHash() != null);
        if (resolved.link.maxDownloads() != null) {
            body.put("downloadsRemaining", Math.max(0, resolved.link.maxDownloads() - resolved.link.downloadCount()));
        }
        body.put("url", LinkUrls.of("/s/" + token + "/download", file.fileId(), file.version(),
                resolved.link.shareId(), resolved.link.expiresAt(), resolved.link.maxDownloads()));
        return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "private, no-store").body(ApiResponse.ok(body));
    }

    @RequestMapping(path = "/s/{token}/download", method = {RequestMethod.GET, RequestMethod.HEAD, RequestMethod.POST})
    public ResponseEntity<?> download(@PathVariable String token, HttpServletRequest request,
                                      HttpServletResponse response) throws IOException {
        Resolved resolved = resolve(token, request);
        if (resolved.refusal != null) {
            return resolved.refusal;
        }
        ShareView link = resolved.link;
        if (link.maxDownloads() != null && link.downloadCount() >= link.maxDownloads()) {
            return usedUp(request);
        }
        FileView file = resolved.file;
        DownloadTarget target = io.filestore.api.storage.BlobContentCheck.target(blobs, file.blobId().sha256(),
                file.contentUpdatedAt(), file.mediaType().value(), file.name().value());
        HttpServletRequest asGet = !request.getMethod().equals("POST") ? request
                : new jakarta.servlet.http.HttpServletRequestWrapper(request) {
                    @Override
                    public String getMethod() {
                        return "GET"; // a form post with the password downloads like a GET
                    }
                };
        if (link.maxDownloads() != null && downloads.sendsContent(asGet, target)) {
            try {
                writes.send(CountLinkDownloadCommand.of(link.shareId(), link.fileId(), link.maxDownloads()));
            } catch (LinkDownloadLimitReachedException e) {
                return usedUp(request);
            } catch (CommandExecutionException e) {
                if (e.getCause() instanceof LinkDownloadLimitReachedException) {
                    return usedUp(request);
                }
                throw e;
            }
        }
        downloads.respond(asGet, response, target);
        if (asGet.getMethod().equals("GET") && (response.getStatus() == 200 || response.getStatus() == 206)) {
            accesses.linkDownloaded(link.shareId(), file.fileId(), file.version(), response.getStatus() == 206);
        }
        return null;
    }

    private static ResponseEntity<ProblemDetail> usedUp(HttpServletRequest request) {
        return refuse(HttpStatus.GONE, "this link's download limit is used up", request);
    }

    private record Resolved(ShareView link, FileView file, ResponseEntity<ProblemDetail> refusal) {
    }

    private Resolved resolve(String token, HttpServletRequest request) {
        if (token.length() < 20 || token.length() > 100) {
            return new Resolved(null, null, refuse(HttpStatus.NOT_FOUND, "no such link", request));
        }
        Optional<ShareView> found = queries.query(new FindPublicLinkQuery(Accounts.hashToken(token)),
                ResponseTypes.optionalInstanceOf(ShareView.class)).join();
        if (found.isEmpty()) {
            return new Resolved(null, null, refuse(HttpStatus.NOT_FOUND, "no such link", request));
        }
        ShareView link = found.get();
        if (link.expiredAt(Instant.now())) {
            return new Resolved(null, null, refuse(HttpStatus.GONE, "this link has expired", request));
        }
        Optional<FileView> file = files.findLive(link.fileId(), SYSTEM);
        if (file.isEmpty()) {
            return new Resolved(null, null, refuse(HttpStatus.NOT_FOUND, "no such link", request));
        }
        if (link.passwordHash() != null) {
            String address = request.getRemoteAddr();
            String secret = "link:" + link.shareId();
            long wait = attempts.retryAfter(secret, address);
            if (wait > 0) {
                ResponseEntity<ProblemDetail> limited = refuse(HttpStatus.TOO_MANY_REQUESTS,
                        "too many wrong passwords; try again later", request);
                return new Resolved(null, null, ResponseEntity.status(limited.getStatusCode())
                        .headers(limited.getHeaders()).header(HttpHeaders.RETRY_AFTER, String.valueOf(wait))
                        .body(limited.getBody()));
            }
            String password = request.getHeader(PASSWORD_HEADER);
            if (password == null && request.getMethod().equals("POST")) {
                password = request.getParameter("password");
            }
            if (password == null) {
                return new Resolved(null, null, challenge("this link needs a password", request));
            }
            if (!encoder.matches(password, link.passwordHash().value())) {
                attempts.failed(secret, address);
                return new Resolved(null, null, challenge("wrong password", request));
            }
            attempts.succeeded(secret, address);
        }
        return new Resolved(link, file.get(), null);
    }

    private static ResponseEntity<ProblemDetail> challenge(String detail, HttpServletRequest request) {
        ResponseEntity<ProblemDetail> problem = refuse(HttpStatus.UNAUTHORIZED, detail, request);
        return ResponseEntity.status(problem.getStatusCode()).headers(problem.getHeaders())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Share-Password realm=\"public link\"")
                .body(problem.getBody());
    }

    private static ResponseEntity<ProblemDetail> refuse(HttpStatus status, String detail, HttpServletRequest request) {
        ResponseEntity<ProblemDetail> problem = ApiExceptionHandler.problem(status, detail, request, null);
        return ResponseEntity.status(problem.getStatusCode()).headers(problem.getHeaders())
                .header(HttpHeaders.CACHE_CONTROL, "no-store").body(problem.getBody());
    }
}
