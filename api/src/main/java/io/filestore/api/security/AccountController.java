package io.filestore.api.security;

import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.BadRequestException;
import io.filestore.api.web.Caller;
import io.filestore.command.api.CreateUserCommand;
import io.filestore.command.api.DisableUserCommand;
import io.filestore.command.api.EnableUserCommand;
import io.filestore.command.api.IssueApiTokenCommand;
import io.filestore.command.api.PasswordHash;
import io.filestore.command.api.RevokeApiTokenCommand;
import io.filestore.command.api.SetPasswordCommand;
import io.filestore.command.api.UnknownUserException;
import io.filestore.command.api.UserId;
import io.filestore.query.users.api.ApiTokenView;
import io.filestore.query.users.api.ListTokensQuery;
import io.filestore.query.users.api.ListUsersQuery;
import io.filestore.query.users.api.UserView;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Accounts: system administrators manage users ({@code /api/admin/users}); every user manages their own password
 * and personal API tokens ({@code /api/me}). Passwords are hashed with bcrypt before they reach a command; a token
 * is shown once in the answer that creates it and only its SHA-256 is kept.
 */
@RestController
class AccountController {

    static final int MIN_PASSWORD = 10;
    static final int MAX_PASSWORD = Passwords.MAX_LENGTH;

    private final io.filestore.api.write.Writes writes;
    private final QueryGateway queries;
    private final Accounts accounts;
    private final SecurityProperties properties;

    AccountController(io.filestore.api.write.Writes writes, QueryGateway queries, Accounts accounts,
                             SecurityProperties properties) {
        this.writes = writes;
        this.queries = queries;
        this.accounts = accounts;
        this.properties = properties;
    }

    /** Body of user creation. */
    public record NewUser(@NotNull @Size(min = 1, max = 128) String userId, @Size(max = 200) String displayName,
                          @NotNull @Size(min = MIN_PASSWORD, max = MAX_PASSWORD) String password,
                          Boolean systemAdmin) {
    }

    /** Body of a password change or reset. */
    public record PasswordChange(@Size(max = MAX_PASSWORD) String currentPassword,
                                 @NotNull @Size(min = MIN_PASSWORD, max = MAX_PASSWORD) String newPassword) {
    }

    /**
     * Body of token creation; {@code expiresInDays} defaults to 90. {@code expiresInSeconds} (at least 60) gives a
     * short-lived token instead, such as the web interface's sign-in; give one of them, not both.
     */
    public record NewToken(@Size(max = 100) String name, @Min(1) Integer expiresInDays,
                           @Min(60) Long expiresInSeconds) {
    }

    @PostMapping("/api/admin/users")
    public ResponseEntity<ApiResponse<Map<String, Object>>> createUser(Caller caller,
                                                                      @Valid @RequestBody(required = false) NewUser body) {
        if (body == null || body.userId() == null) {
            throw new BadRequestException("userId", "userId is required");
        }
        UserId userId = new UserId(body.userId());
        PasswordHash hash = hash(body.password(), "password");
        if (accounts.user(userId).isPresent()) {
            throw new AccountConflictException("user " + userId + " already exists");
        }
        writes.send(new CreateUserCommand(userId, body.displayName(), hash,
                Boolean.TRUE.equals(body.systemAdmin()), caller.userId()));
        return ResponseEntity.status(HttpStatus.CREATED)
                .location(java.net.URI.create("/api/admin/users/" + userId.value()))
                .body(ApiResponse.ok(describe(accounts.user(userId).orElseThrow())));
    }

    @GetMapping("/api/admin/users")
    public ApiResponse<Map<String, Object>> users(@RequestParam(defaultValue = "100") int limit,
                                                        @RequestParam(defaultValue = "0") int offset) {
        if (limit < 1 || limit > 1000) {
            throw new BadRequestException("limit", "limit must be between 1 and 1000");
        }
        if (offset < 0) {
            throw new BadRequestException("offset", "offset must not be negative");
        }
        List<UserView> users = queries.query(new ListUsersQuery(offset, limit + 1), // one more: hasMore
                ResponseTypes.multipleInstancesOf(UserView.class)).join();
        return ApiResponse.ok(Map.of("users", users.stream().limit(limit).map(this::describe).toList(),
                "pagination", io.filestore.api.web.Pagination.of(offset, limit, users.size() > limit)));
    }

    @PostMapping("/api/admin/users/{id}/disable")
    public ApiResponse<Map<String, Object>> disable(Caller caller, @PathVariable String id) {
        UserId userId = existing(id);
        if (userId.equals(caller.userId())) {
            throw new AccountConflictException("administrators cannot disable themselves");
        }
        writes.send(new DisableUserCommand(userId, caller.userId()));
        return ApiResponse.ok(describe(accounts.user(userId).orElseThrow()));
    }

    @PostMapping("/api/admin/users/{id}/enable")
    public ApiResponse<Map<String, Object>> enable(Caller caller, @PathVariable String id) {
        UserId userId = existing(id);
        writes.send(new EnableUserCommand(userId, caller.userId()));
        return ApiResponse.ok(describe(accounts.user(userId).orElseThrow()));
    }

    @PostMapping("/api/admin/users/{id}/password")
    public ApiResponse<Map<String, Object>> resetPassword(Caller caller, @PathVariable String id,
                                                          @Valid @RequestBody(required = false) PasswordChange body) {
        UserId userId = existing(id);
        setPassword(userId, body == null ? null : body.newPassword(), caller);
        return ApiResponse.ok(Map.of("userId", userId.value(), "passwordChanged", true));
    }

    /** Body of a group membership change. */
    public record Groups(@NotNull @Size(max = 1000) java.util.Set<@NotNull @Size(min = 1, max = 128) String> groups) {
    }

    @org.springframework.web.bind.annotation.PutMapping("/api/admin/users/{id}/groups")
    public ApiResponse<Map<String, Object>> setGroups(Caller caller, @PathVariable String id,
                                                      @Valid @RequestBody(required = false) Groups body) {
        UserId userId = existing(id);
        if (body == null || body.groups() == null) {
            throw new BadRequestException("groups", "groups (a list of names) is required");
        }
        writes.send(new io.filestore.command.api.SetUserGroupsCommand(userId, body.groups(), caller.userId()));
        Map<String, Object> answer = describe(accounts.user(userId).orElseThrow());
        answer.put("groups", new java.util.TreeSet<>(accounts.user(userId).orElseThrow().groups()));
        return ApiResponse.ok(answer);
    }

    @GetMapping("/api/me")
    public ApiResponse<Map<String, Object>> me(Caller caller) {
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("userId", caller.userId().value());
        me.put("systemAdmin", caller.systemAdmin());
        me.put("groups", new java.util.TreeSet<>(caller.groups()));
        accounts.user(caller.userId()).ifPresent(u -> me.put("displayName", u.displayName()));
        return ApiResponse.ok(me);
    }

    @PostMapping("/api/me/password")
    public ApiResponse<Map<String, Object>> changePassword(Caller caller,
                                                           @Valid @RequestBody(required = false) PasswordChange body) {
        if (body == null || body.currentPassword() == null
                || accounts.byPassword(caller.userId().value(), body.currentPassword()).isEmpty()) {
            throw new BadRequestException("currentPassword", "the current password is wrong");
        }
        setPassword(caller.userId(), body.newPassword(), caller);
        return ApiResponse.ok(Map.of("userId", caller.userId().value(), "passwordChanged", true));
    }

    @PostMapping("/api/me/tokens")
    public ResponseEntity<ApiResponse<Map<String, Object>>> createToken(Caller caller,
                                                                       @Valid @RequestBody(required = false) NewToken body) {
        requireAccount(caller);
        Duration lifetime;
        if (body != null && body.expiresInSeconds() != null) {
            if (body.expiresInDays() != null) {
                throw new BadRequestException("expiresInSeconds", "give expiresInDays or expiresInSeconds, not both");
            }
            lifetime = Duration.ofSeconds(body.expiresInSeconds());
            if (body.expiresInSeconds() < 60 || lifetime.compareTo(properties.tokenMaxLifetime()) > 0) {
                throw new BadRequestException("expiresInSeconds", "expiresInSeconds must be between 60 and "
                        + properties.tokenMaxLifetime().toSeconds());
            }
        } else {
            int days = body == null || body.expiresInDays() == null ? 90 : body.expiresInDays();
            if (days < 1 || Duration.ofDays(days).compareTo(properties.tokenMaxLifetime()) > 0) {
                throw new BadRequestException("expiresInDays", "expiresInDays must be between 1 and "
                        + properties.tokenMaxLifetime().toDays());
            }
            lifetime = Duration.ofDays(days);
        }
        String token = Accounts.newToken();
        String tokenId = Accounts.randomString(12);
        Instant expiresAt = Instant.now().plus(lifetime);
        String name = body == null || body.name() == null ? "" : body.name();
        writes.send(new IssueApiTokenCommand(caller.userId(), tokenId, name, Accounts.hashToken(token),
                expiresAt, caller.userId()));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("tokenId", tokenId);
        answer.put("name", name);
        answer.put("token", token);
        answer.put("expiresAt", expiresAt);
        answer.put("note", "the token is shown only now; keep it safe");
        return ResponseEntity.status(HttpStatus.CREATED).location(java.net.URI.create("/api/me/tokens/" + tokenId))
                .body(ApiResponse.ok(answer));
    }

    /** A token as listed: the user id as a plain string (never the internal {@code {"value": ...}} form). */
    public record TokenResponse(String tokenId, String userId, String name, Instant expiresAt, Instant createdAt,
                                Instant revokedAt) {

        static TokenResponse of(ApiTokenView token) {
            return new TokenResponse(token.tokenId(), token.userId().value(), token.name(), token.expiresAt(),
                    token.createdAt(), token.revokedAt());
        }
    }

    @GetMapping("/api/me/tokens")
    public ApiResponse<Map<String, Object>> listTokens(Caller caller) {
        List<TokenResponse> tokens = tokens(caller.userId()).stream().map(TokenResponse::of).toList();
        return ApiResponse.ok(Map.of("tokens", tokens, "pagination",
                io.filestore.api.web.Pagination.whole(tokens.size())));
    }

    @DeleteMapping("/api/me/tokens/{tokenId}")
    public ApiResponse<Map<String, Object>> revokeToken(Caller caller, @PathVariable String tokenId) {
        requireAccount(caller);
        writes.send(new RevokeApiTokenCommand(caller.userId(), tokenId, caller.userId()));
        return ApiResponse.ok(Map.of("tokenId", tokenId, "revoked", true));
    }

    private List<ApiTokenView> tokens(UserId userId) {
        return queries.query(new ListTokensQuery(userId), ResponseTypes.multipleInstancesOf(ApiTokenView.class)).join();
    }

    private void setPassword(UserId userId, String password, Caller caller) {
        PasswordHash hash = hash(password, "newPassword");
        try {
            writes.send(new SetPasswordCommand(userId, hash, caller.userId()));
        } catch (AggregateNotFoundException e) {
            throw new UnknownUserException("no user " + userId);
        }
    }

    private void requireAccount(Caller caller) {
        if (accounts.user(caller.userId()).isEmpty()) {
            throw new AccountConflictException("user " + caller.userId() + " has no account here (gateway user)");
        }
    }

    private UserId existing(String id) {
        UserId userId = new UserId(id);
        if (accounts.user(userId).isEmpty()) {
            throw new UnknownUserException("no user " + id);
        }
        return userId;
    }

    private PasswordHash hash(String password, String parameter) {
        if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            throw new BadRequestException(parameter, parameter + " must be " + MIN_PASSWORD + "-" + MAX_PASSWORD
                    + " characters");
        }
        return new PasswordHash(accounts.encoder().encode(password));
    }

    private Map<String, Object> describe(UserView user) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("userId", user.userId().value());
        map.put("displayName", user.displayName());
        map.put("systemAdmin", user.systemAdmin());
        map.put("disabled", user.disabled());
        map.put("createdAt", user.createdAt());
        return map;
    }
}
