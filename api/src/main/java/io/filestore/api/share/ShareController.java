package io.filestore.api.share;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.filestore.api.files.FileQueries;
import io.filestore.api.security.Accounts;
import io.filestore.api.security.Passwords;
import io.filestore.api.security.SecurityProperties;
import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.BadRequestException;
import io.filestore.api.web.Caller;
import io.filestore.api.web.InputProperties;
import io.filestore.api.web.Instants;
import io.filestore.command.api.CreatePublicLinkCommand;
import io.filestore.command.api.FileId;
import io.filestore.command.api.Grantee;
import io.filestore.command.api.PasswordHash;
import io.filestore.command.api.RevokeShareCommand;
import io.filestore.command.api.Role;
import io.filestore.command.api.ShareFileCommand;
import io.filestore.command.api.UnknownShareException;
import io.filestore.command.api.UnknownUserException;
import io.filestore.command.api.UserId;
import io.filestore.query.metadata.api.FileView;
import io.filestore.query.shares.api.ListFileSharesQuery;
import io.filestore.query.shares.api.ListOutgoingSharesQuery;
import io.filestore.query.shares.api.ShareView;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Sharing: with a user or group in a role, or as a public link (optional expiry, password, download limit).
 * Sharing and revoking need the admin role on the file; a share works until its expiry instant and stops at once
 * when revoked.
 */
@RestController
class ShareController {

    private final io.filestore.api.write.Writes writes;
    private final QueryGateway queryGateway;
    private final FileQueries files;
    private final io.filestore.api.files.FileListings listings;
    private final PasswordEncoder encoder = Passwords.encoder();

    private final Accounts accounts;
    private final SecurityProperties security;
    private final InputProperties input;

    ShareController(io.filestore.api.write.Writes writes, QueryGateway queryGateway, FileQueries files,
                           Accounts accounts,
                           SecurityProperties security, InputProperties input,
                           io.filestore.api.files.FileListings listings) {
        this.listings = listings;
        this.accounts = accounts;
        this.security = security;
        this.input = input;
        this.writes = writes;
        this.queryGateway = queryGateway;
        this.files = files;
    }

    /**
     * Body of {@code POST /api/files/{id}/share}: {@code userId} or {@code groupId} (or {@code grantee} as
     * {@code user:<id>} / {@code group:<name>}) with a {@code role} (viewer, editor, admin); or {@code public: true}
     * for a link with optional {@code password} and {@code maxDownloads}. {@code expiresAt} (ISO instant) or
     * {@code expiresInSeconds} optional for both.
     */
    public record ShareRequest(@Size(min = 1, max = 128) String userId, @Size(min = 1, max = 128) String groupId,
                               @Size(min = 1, max = 134) String grantee, @Size(max = 16) String role,
                               @JsonProperty("public") Boolean isPublic,
                               @Size(min = 1, max = Passwords.MAX_LENGTH) String password,
                               @Min(1) @Max(MAX_DOWNLOADS) Integer maxDownloads,
                               @Size(max = 64) String expiresAt, Long expiresInSeconds) {
    }

    /** The most downloads a public link may allow. */
    static final int MAX_DOWNLOADS = 1_000_000;

    @PostMapping("/api/files/{id}/share")
    public ResponseEntity<ApiResponse<Map<String, Object>>> share(Caller caller, @PathVariable String id,
                                                                 @Valid @RequestBody(required = false) ShareRequest body,
                                                                 jakarta.servlet.http.HttpServletRequest request) {
        if (body == null) {
            throw new BadRequestException("body", "a JSON object describing the share is required");
        }
        if (!Boolean.TRUE.equals(body.isPublic()) && (body.password() != null || body.maxDownloads() != null)) {
            throw new BadRequestException(body.password() != null ? "password" : "maxDownloads",
                    "password and maxDownloads apply to public links (\"public\": true) only");
        }
        FileId fileId = new FileId(id);
        FileView file = files.live(fileId, caller.actor());
        FileQueries.requireRole(file, caller.actor(), Role.ADMIN);
        io.filestore.command.api.ExpectedState expected = io.filestore.api.files.IfMatch.from(request);
        Instant expiresAt = Instants.expiry(body.expiresAt(), body.expiresInSeconds(), input.maxExpiry(),
                Instant.now());
        String shareId = Accounts.randomString(12);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("shareId", shareId);
        answer.put("fileId", fileId.value());
        if (Boolean.TRUE.equals(body.isPublic())) {
            String token = Accounts.randomString(32);
            PasswordHash password = null;
            if (body.password() != null) {
                password = new PasswordHash(encoder.encode(body.password()));
            }
            writes.send(new CreatePublicLinkCommand(fileId, shareId,
                    Accounts.hashToken(token), password, expiresAt, body.maxDownloads(), caller.actor(), expected));
            answer.put("type", "link");
            answer.put("permissions", List.of("read"));
            answer.put("url", LinkUrls.of("/s/" + token, fileId, file.version(), shareId, expiresAt,
                    body.maxDownloads()));
            answer.put("token", token);
            answer.put("passwordProtected", password != null);
            answer.put("maxDownloads", body.maxDownloads());
        } else {
            Grantee grantee = grantee(body);
            requireKnownUser(grantee);
            Role role = role(body.role());
            writes.send(new ShareFileCommand(fileId, shareId, grantee, role, expiresAt, caller.actor(), expected));
            answer.put("type", grantee.value().startsWith("group:") ? "group" : "user");
            answer.put("grantee", grantee.value());
            answer.put("role", role.name().toLowerCase(Locale.ROOT));
            answer.put("permissions", permissionsOf(role));
        }
        answer.put("expiresAt", expiresAt);
        answer.put("createdAt", Instant.now());
        return ResponseEntity.status(HttpStatus.CREATED)
                .location(java.net.URI.create("/api/files/" + fileId.value() + "/share/" + shareId))
                .body(ApiResponse.ok(answer));
    }

    @GetMapping("/api/files/{id}/shares")
    public ApiResponse<Map<String, Object>> fileShares(Caller caller, @PathVariable String id) {
        FileId fileId = new FileId(id);
        FileQueries.requireRole(files.live(fileId, caller.actor()), caller.actor(), Role.ADMIN);
        List<Map<String, Object>> shares = shares(fileId).stream().map(ShareController::describe).toList();
        return ApiResponse.ok(Map.of("shares", shares, "pagination",
                io.filestore.api.web.Pagination.whole(shares.size())));
    }

    @DeleteMapping("/api/files/{id}/share/{shareId}")
    public ApiResponse<Map<String, Object>> revoke(Caller caller, @PathVariable String id,
                                                   @PathVariable String shareId,
                                                   jakarta.servlet.http.HttpServletRequest request) {
        FileId fileId = new FileId(id);
        FileQueries.requireRole(files.live(fileId, caller.actor()), caller.actor(), Role.ADMIN);
        if (shares(fileId).stream().noneMatch(s -> s.shareId().equals(shareId))) {
            throw new UnknownShareException("file " + id + " has no share " + shareId);
        }
        writes.send(new RevokeShareCommand(fileId, shareId, caller.actor(),
                io.filestore.api.files.IfMatch.from(request)));
        return ApiResponse.ok(Map.of("shareId", shareId, "fileId", fileId.value(), "revoked", true));
    }

    @GetMapping("/api/files/shared")
    public ApiResponse<Map<String, Object>> shared(Caller caller, @RequestParam(defaultValue = "in") String direction,
                                                   @RequestParam(defaultValue = "20") int limit,
                                                   @RequestParam(required = false) Integer offset,
                                                   @RequestParam(required = false) String cursor) {
        if (direction.equals("in")) {
            return ApiResponse.ok(listings.sharedWith(caller.actor(), limit, offset, cursor));
        }
        if (!direction.equals("out")) {
            throw new BadRequestException("direction", "direction must be in or out");
        }
        if (cursor != null) {
            throw new BadRequestException("cursor", "the outgoing shares are paged by offset");
        }
        int from = offset == null ? 0 : offset;
        if (limit < 1 || limit > 100) {
            throw new BadRequestException("limit", "limit must be between 1 and 100");
        }
        if (from < 0 || from > 100_000) {
            throw new BadRequestException("offset", "offset must be between 0 and 100000");
        }
        List<ShareView> outgoing = queryGateway.query(new ListOutgoingSharesQuery(caller.userId(), from,
                limit + 1), ResponseTypes.multipleInstancesOf(ShareView.class)).join(); // one more: hasMore
        return ApiResponse.ok(Map.of("shares", outgoing.stream().limit(limit).map(ShareController::describe)
                        .toList(),
                "pagination", io.filestore.api.web.Pagination.of(from, limit, outgoing.size() > limit)));
    }

    private List<ShareView> shares(FileId fileId) {
        return queryGateway.query(new ListFileSharesQuery(fileId), ResponseTypes.multipleInstancesOf(ShareView.class))
                .join();
    }

    static Map<String, Object> describe(ShareView share) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("shareId", share.shareId());
        map.put("fileId", share.fileId().value());
        map.put("type", share.link() ? "link" : share.grantee().value().startsWith("group:") ? "group" : "user");
        if (share.link()) {
            map.put("permissions", List.of("read"));
            map.put("passwordProtected", share.passwordHash() != null);
            map.put("maxDownloads", share.maxDownloads());
            map.put("downloads", share.downloadCount());
        } else {
            map.put("grantee", share.grantee().value());
            map.put("role", share.role().name().toLowerCase(Locale.ROOT));
            map.put("permissions", permissionsOf(share.role()));
        }
        map.put("expiresAt", share.expiresAt());
        map.put("expired", share.expiredAt(Instant.now()));
        map.put("createdAt", share.createdAt());
        map.put("createdBy", share.createdBy().value());
        return map;
    }

    private static List<String> permissionsOf(Role role) {
        return switch (role) {
            case VIEWER -> List.of("read");
            case EDITOR -> List.of("read", "write");
            case ADMIN -> List.of("read", "write", "share");
        };
    }

    private static Grantee grantee(ShareRequest body) {
        int given = (body.userId() != null ? 1 : 0) + (body.groupId() != null ? 1 : 0) + (body.grantee() != null ? 1 : 0);
        if (given != 1) {
            throw new BadRequestException("userId", "give exactly one of userId, groupId, grantee (or public: true)");
        }
        if (body.userId() != null) {
            return Grantee.user(new UserId(body.userId()));
        }
        if (body.groupId() != null) {
            return new Grantee("group:" + body.groupId());
        }
        return new Grantee(body.grantee());
    }

    private static Role role(String role) {
        if (role == null) {
            return Role.VIEWER;
        }
        return switch (role.toLowerCase(Locale.ROOT)) {
            case "viewer", "read" -> Role.VIEWER;
            case "editor", "write" -> Role.EDITOR;
            case "admin" -> Role.ADMIN;
            default -> throw new BadRequestException("role", "role must be viewer, editor or admin");
        };
    }

    /**
     * A share with a user needs an account of that id, else 404: an account created later under the id must not
     * inherit the access. When identities come from outside (a trusted gateway header or JWT), this service cannot
     * know every user, and any well-formed id is accepted.
     */
    private void requireKnownUser(Grantee grantee) {
        if (!grantee.value().startsWith("user:") || security.trustsHeader() || security.jwt().enabled()) {
            return;
        }
        UserId userId = new UserId(grantee.value().substring("user:".length()));
        if (accounts.user(userId).isEmpty()) {
            throw new UnknownUserException("no user " + userId.value());
        }
    }
}
