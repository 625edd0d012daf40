package io.filestore.api.cdn;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks delivery URLs: {@code /cdn/files/<fileId>/<version>?grant=<g>&expires=<epoch s>&kid=<key
 * id>&sig=<base64url HMAC-SHA256>}. The signature covers everything before {@code &sig=}: the path (file and version),
 * the grant that gave access, the expiry and the key id, so none of them can be changed. Keys are looked up by id,
 * so a rotation leaves URLs signed with an older key valid until they expire (as long as that key is kept). CloudFront's
 * own parameters ({@link CloudFrontSigner}), when CloudFront forwards them, may follow and are not part of it.
 * No I/O, no clock of its own.
 */
public final class DeliverySigner {

    public static final String PATH_PREFIX = "/cdn/files/";
    /** The key ids a URL may name. */
    public static final Pattern KEY_ID = Pattern.compile("[a-z0-9]{1,16}");
    /** A grant: {@code o} (owner), {@code a} (system administrator), {@code s.<shareId>} or {@code l.<shareId>}. */
    public static final Pattern GRANT = Pattern.compile("o|a|[sl]\\.[A-Za-z0-9_-]{1,64}");
    private static final Pattern QUERY = Pattern.compile(
            "grant=(" + GRANT.pattern() + ")&expires=([0-9]{1,12})&kid=(" + KEY_ID.pattern() + ")&sig=([A-Za-z0-9_-]{43})"
                    + "(&Expires=[0-9]{1,12}&Signature=[A-Za-z0-9~_-]{1,1024}&Key-Pair-Id=[A-Za-z0-9]{1,64})?");
    private static final Pattern PATH = Pattern.compile(
            Pattern.quote(PATH_PREFIX) + "([0-9a-f-]{36})/([1-9][0-9]{0,8})");

    /** A signing key: its id and secret (at least 32 bytes). */
    public record Key(String id, byte[] secret) {
        public Key {
            Objects.requireNonNull(id, "id");
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("a signing key id is 1 to 16 lowercase letters or digits: " + id);
            }
            if (secret == null || secret.length < 32) {
                throw new IllegalArgumentException("signing key " + id + " must have at least 32 bytes");
            }
            secret = secret.clone();
        }

        @Override
        public String toString() {
            return "Key[" + id + "]";
        }
    }

    /** What a valid URL grants. */
    public record Verified(String fileId, int version, String grant, Instant expiresAt, String keyId) {
    }

    /** Why a URL is refused. */
    public enum Refusal { MALFORMED, UNKNOWN_KEY, BAD_SIGNATURE, EXPIRED }

    /** The outcome of {@link #verify}: exactly one of the two is set. */
    public record Check(Verified verified, Refusal refusal) {
    }

    private final Key active;
    private final Map<String, Key> keys;

    /** @param active the key that signs; {@code keys} (which must contain it) verify */
    public DeliverySigner(Key active, Map<String, Key> keys) {
        this.active = Objects.requireNonNull(active, "active");
        this.keys = Map.copyOf(keys);
        if (this.keys.get(active.id()) != active) {
            throw new IllegalArgumentException("the active key must be one of the keys");
        }
    }

    public String activeKeyId() {
        return active.id();
    }

    /** The path and query of a signed URL (no scheme or host). */
    public String sign(String fileId, int version, String grant, Instant expiresAt) {
        if (!GRANT.matcher(grant).matches()) {
            throw new IllegalArgumentException("malformed grant: " + grant);
        }
        if (version < 1) {
            throw new IllegalArgumentException("version must be positive: " + version);
        }
        String unsigned = PATH_PREFIX + fileId + "/" + version + "?grant=" + grant + "&expires="
                + expiresAt.getEpochSecond() + "&kid=" + active.id();
        return unsigned + "&sig=" + mac(active, unsigned);
    }

    /** Checks a request's path and query string (as received, without the leading {@code ?}). */
    public Check verify(String path, String query, Instant now) {
        if (path == null || query == null) {
            return new Check(null, Refusal.MALFORMED);
        }
        Matcher p = PATH.matcher(path);
        Matcher q = QUERY.matcher(query);
        if (!p.matches() || !q.matches()) {
            return new Check(null, Refusal.MALFORMED);
        }
        Key key = keys.get(q.group(3));
        if (key == null) {
            return new Check(null, Refusal.UNKNOWN_KEY);
        }
        String unsigned = path + "?" + query.substring(0, q.start(4) - "&sig=".length());
        byte[] expected = mac(key, unsigned).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, q.group(4).getBytes(StandardCharsets.US_ASCII))) {
            return new Check(null, Refusal.BAD_SIGNATURE);
        }
        Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(q.group(2)));
        if (!now.isBefore(expiresAt)) {
            return new Check(null, Refusal.EXPIRED);
        }
        return new Check(new Verified(p.group(1), Integer.parseInt(p.group(2)), q.group(1), expiresAt, key.id()),
                null);
    }

    /**
     * The expiry of a URL asked for at {@code now} with validity {@code lifetime}: rounded up to the next multiple of
     * {@code window} (since the epoch), so that every request within one window gets the same URL; never after
     * {@code cap} (a share's or link's own expiry), when given.
     */
    public static Instant expiry(Instant now, Duration lifetime, Duration window, Instant cap) {
        long w = Math.max(1, window.toSeconds());
        long wanted = now.getEpochSecond() + Math.max(1, lifetime.toSeconds());
        long rounded = Math.floorDiv(wanted + w - 1, w) * w;
        Instant expiry = Instant.ofEpochSecond(rounded);
        return cap != null && cap.isBefore(expiry) ? Instant.ofEpochSecond(cap.getEpochSecond()) : expiry;
    }

    private static String mac(Key key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.secret(), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
