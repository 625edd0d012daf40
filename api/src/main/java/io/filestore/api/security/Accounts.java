package io.filestore.api.security;

import io.filestore.api.web.Caller;
import io.filestore.command.api.TokenHash;
import io.filestore.command.api.UserId;
import io.filestore.query.users.api.ApiTokenView;
import io.filestore.query.users.api.UserReads;
import io.filestore.query.users.api.UserView;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Credential checks against the users view: passwords (bcrypt, with a short bounded cache of successful checks so
 * that Basic authentication does not pay bcrypt on every request) and API tokens (looked up by SHA-256). The users
 * view is read directly ({@link UserReads}), not through the query bus: every authenticated request reads it.
 */
@Component
public class Accounts {

    /** Prefix of personal API tokens, so that they are recognisable (e.g. by secret scanners). */
    public static final String TOKEN_PREFIX = "fst_";
    private static final int CACHE_ENTRIES = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final UserReads users;
    private final PasswordEncoder encoder = Passwords.encoder();
    private final SecurityProperties properties;
    private final Map<String, Long> verified = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    public Accounts(UserReads users, SecurityProperties properties) {
        this.users = users;
        this.properties = properties;
    }

    public PasswordEncoder encoder() {
        return encoder;
    }

    public Optional<UserView> user(UserId userId) {
        return users.findUser(userId);
    }

    /** The caller for a user name and password, if they match an enabled account. */
    public Optional<Caller> byPassword(String username, String password) {
        UserId userId;
        try {
            userId = new UserId(username);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Optional<UserView> found = user(userId);
        if (found.isEmpty() && configuredAdmin(userId) && !properties.adminPassword().isBlank()) {
            // the users view is empty while a restore or rebuild replays it: the configured administrator still logs in
            return constantTimeEquals(password, properties.adminPassword())
                    ? Optional.of(new Caller(userId, true)) : Optional.empty();
        }
        Optional<UserView> user = found.filter(u -> !u.disabled());
        if (user.isEmpty()) {
            encoder.matches(password, DUMMY_HASH); // same cost whether or not the user exists
            return Optional.empty();
        }
        String cacheKey = sha256(user.get().userId().value() + "\u0000" + password + "\u0000"
                + user.get().passwordHash().value());
        long now = System.nanoTime();
        synchronized (verified) {
            Long until = verified.get(cacheKey);
            if (until != null && until - now > 0) {
                return Optional.of(new Caller(user.get().userId(), user.get().systemAdmin(), user.get().groups()));
            }
        }
        if (!encoder.matches(password, user.get().passwordHash().value())) {
            return Optional.empty();
        }
        synchronized (verified) {
            verified.put(cacheKey, now + properties.credentialCacheTtl().toNanos());
        }
        return Optional.of(new Caller(user.get().userId(), user.get().systemAdmin(), user.get().groups()));
    }

    /** The caller for a personal API token, if it is known, unexpired, unrevoked and its user enabled. */
    public Optional<Caller> byToken(String token) {
        if (!token.startsWith(TOKEN_PREFIX) || token.length() > 200) {
            return Optional.empty();
        }
        Optional<ApiTokenView> record = users.findToken(hashToken(token));
        if (record.isEmpty() || !record.get().usableAt(Instant.now())) {
            return Optional.empty();
        }
        return user(record.get().userId()).filter(u -> !u.disabled())
                .map(u -> new Caller(u.userId(), u.systemAdmin(), u.groups()));
    }

    /** A trusted gateway's user: accepted as is, unless a disabled account of that name exists. */
    public Optional<Caller> byTrustedHeader(String value) {
        try {
            UserId userId = new UserId(value.trim());
            Optional<UserView> user = user(userId);
            if (user.isPresent() && user.get().disabled()) {
                return Optional.empty();
            }
            return Optional.of(new Caller(userId, user.map(UserView::systemAdmin).orElse(configuredAdmin(userId)),
                    user.map(UserView::groups).orElse(java.util.Set.of())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The administrator named in the configuration. While the users view has no record of it (a restore or rebuild
     * replays that view), it is still recognised, so that an operator can follow the restore.
     */
    private boolean configuredAdmin(UserId userId) {
        return userId.value().equals(properties.adminUser());
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** A new random API token: the prefix and 256 bits of randomness, URL-safe. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A random id or password of {@code bytes} random bytes, URL-safe. */
    public static String randomString(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    public static TokenHash hashToken(String token) {
        return new TokenHash(sha256(token));
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A hash in the current form, so that checking a password of an unknown user costs what a known one does. */
    private static final String DUMMY_HASH = Passwords.encoder().encode(randomString(16));
}
