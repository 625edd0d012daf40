package io.filestore.api.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * {@code Idempotency-Key} (IETF httpapi draft "The Idempotency-Key HTTP Header Field") for non-idempotent writes, kept
 * in PostgreSQL table {@code idempotency_key} so it survives a restart. A key is claimed by its caller before the
 * work starts (one row per caller and key: a concurrent duplicate finds the claim), and the answer is stored when
 * the work is done; a retry with the same key and the same request gets that answer again. Keys are kept for
 * {@code filestore.idempotency.retention} (default 24 h) after they were claimed, then forgotten.
 *
 * <p>The claim records the id the work will create (a file id) and which process claimed it. A claim left by a
 * process that no longer runs (it crashed: none of the PostgreSQL sessions open now is its, {@link
 * io.filestore.api.cluster.Instances#liveProcesses()}) can be taken over; one of a process that runs, here or on
 * another instance, is in flight: the caller then checks whether that id was created
 * before the crash, and answers with it instead of creating a second one.
 */
@Component
public class IdempotencyKeys {

    public static final String HEADER = "Idempotency-Key";
    static final int MAX_KEY_LENGTH = 255;
    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeys.class);
    private final JdbcClient jdbc;
    private final Duration retention;
    /** Which processes run: a claim by one that no longer runs is abandoned; one by another live instance is not. */
    private final io.filestore.api.cluster.Instances instances;
    /** This process (its token in the application name of its PostgreSQL sessions). */
    private final String process;

    public IdempotencyKeys(JdbcClient jdbc, @Value("${filestore.idempotency.retention:24h}") Duration retention,
                           io.filestore.api.cluster.Instances instances) {
        this.instances = instances;
        this.process = instances.process();
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("filestore.idempotency.retention must be positive");
        }
        this.jdbc = jdbc;
        this.retention = retention;
    }

    /**
     * The key of a request's {@code Idempotency-Key} field, or null without one. The draft makes it a structured
     * field string ({@code "..."}); a bare token is accepted too. 1 to 255 visible ASCII characters.
     */
    public static String parse(String header) {
        if (header == null) {
            return null;
        }
        String value = header.trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        if (value.isEmpty() || value.length() > MAX_KEY_LENGTH || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)
                || value.indexOf('"') >= 0 || value.indexOf('\\') >= 0) {
            throw new BadRequestException(HEADER, "Idempotency-Key must be 1-" + MAX_KEY_LENGTH
                    + " visible ASCII characters (a quoted string)");
        }
        return value;
    }

    /** What a claim found. */
    public sealed interface Claim permits Claimed, InFlight, Done {
    }

    /** The key is this request's now; {@code resourceId} is what it is to create ({@code takenOver}: maybe already). */
    public record Claimed(String resourceId, boolean takenOver) implements Claim {
    }

    /** Another request with this key is still being processed. */
    public record InFlight() implements Claim {
    }

    /** A request with this key was answered: replay when {@code fingerprint} matches the retry's. */
    public record Done(String requestLine, String fingerprint, int status, String location, String body)
            implements Claim {
    }

    /** Claims {@code key} for {@code caller}, recording the id the request will create. */
    public Claim claim(String caller, String idempotencyKey, String requestLine, String resourceId) {
        String key = stored(idempotencyKey);
        Instant now = Instant.now();
        for (int attempt = 0; attempt < 3; attempt++) {
            int inserted = jdbc.sql("""
                            INSERT INTO idempotency_key (caller, key, request_line, resource_id, process, created_at)
                            VALUES (:caller, :key, :line, :resource, :process, :now)
                            ON CONFLICT (caller, key) DO NOTHING
                            """)
                    .param("caller", caller).param("key", key).param("line", requestLine)
                    .param("resource", resourceId).param("process", process).param("now", Timestamp.from(now))
                    .update();
            if (inserted == 1) {
                return new Claimed(resourceId, false);
            }
            Optional<Row> row = find(caller, key);
            if (row.isEmpty()) {
                continue; // deleted meanwhile (a failed request released it): try again
            }
            Row found = row.get();
            if (found.createdAt.isBefore(now.minus(retention))) {
                jdbc.sql("DELETE FROM idempotency_key WHERE caller = :caller AND key = :key AND created_at = :at")
                        .param("caller", caller).param("key", key).param("at", Timestamp.from(found.createdAt))
                        .update();
                continue; // expired: the key is free again
            }
            if (found.status != null) {
                String body = open(caller, idempotencyKey, found.body);
                if (body == null && found.body != null) {
                    // a stored answer that cannot be read (altered in the table): forget it, the key is free again
                    jdbc.sql("DELETE FROM idempotency_key WHERE caller = :caller AND key = :key")
                            .param("caller", caller).param("key", key).update();
                    continue;
                }
                return new Done(found.requestLine, found.fingerprint, found.status, found.location, body);
            }
            if (found.process.equals(process) || processRuns(found.process)) {
                return new InFlight(); // another instance is working on it now
            }
            int taken = jdbc.sql("""
                            UPDATE idempotency_key SET process = :process
                            WHERE caller = :caller AND key = :key AND process = :old AND status IS NULL
                            """)
                    .param("process", process).param("caller", caller).param("key", key).param("old", found.process)
                    .update();
            if (taken == 1) {
                log.info("idempotency: taking over a key claimed by a process that no longer runs");
                return new Claimed(found.resourceId, true);
            }
        }
        return new InFlight();
    }

    /** Stores the answer of a claimed key. */
    public void complete(String caller, String idempotencyKey, String fingerprint, int status, String location,
                         String body) {
        String key = stored(idempotencyKey);
        jdbc.sql("""
                        UPDATE idempotency_key SET fingerprint = :fingerprint, status = :status, location = :location,
                                                   body = :body
                        WHERE caller = :caller AND key = :key AND process = :process
                        """)
                .param("fingerprint", fingerprint).param("status", status).param("location", location)
                .param("body", seal(caller, idempotencyKey, body)).param("caller", caller).param("key", key)
                .param("process", process)
                .update();
    }

    /**
     * Gives up a claimed key whose request failed after it may have changed something (the command may have been
     * committed): a retry takes it over and checks whether the resource was created.
     */
    public void abandon(String caller, String idempotencyKey) {
        String key = stored(idempotencyKey);
        jdbc.sql("UPDATE idempotency_key SET process = 'abandoned' WHERE caller = :caller AND key = :key "
                        + "AND process = :process AND status IS NULL")
                .param("caller", caller).param("key", key).param("process", process).update();
    }

    /** Frees a claimed key whose request failed before it changed anything, so that a retry runs again. */
    public void release(String caller, String idempotencyKey) {
        String key = stored(idempotencyKey);
        jdbc.sql("DELETE FROM idempotency_key WHERE caller = :caller AND key = :key AND process = :process "
                        + "AND status IS NULL")
                .param("caller", caller).param("key", key).param("process", process).update();
    }

    /** Forgets keys older than the retention, every 10 minutes. */
    @Scheduled(initialDelayString = "1m", fixedDelayString = "10m")
    public void forgetExpired() {
        int deleted = jdbc.sql("DELETE FROM idempotency_key WHERE created_at < :cutoff")
                .param("cutoff", Timestamp.from(Instant.now().minus(retention))).update();
        if (deleted > 0) {
            log.debug("idempotency: forgot {} expired key(s)", deleted);
        }
    }

    /** SHA-256 hex of the parts, each length-prefixed (an unambiguous fingerprint of a request). */
    public static String fingerprint(String... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                byte[] bytes = String.valueOf(part).getBytes(StandardCharsets.UTF_8);
                digest.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The key as the table keeps it: its SHA-256, so that the table never holds a client's key, and with it the
     * means to read the stored answer.
     */
    public static String stored(String idempotencyKey) {
        return fingerprint("idempotency-key", idempotencyKey);
    }

    /**
     * The stored answer, encrypted (AES-256-GCM, random 96-bit nonce, the caller as associated data) with a key
     * derived from the client's Idempotency-Key, which the table does not hold: an answer that carries a secret (a
     * new API token, a public link's token) is readable only by a retry that presents the same key.
     */
    static String seal(String caller, String idempotencyKey, String body) {
        if (body == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            javax.crypto.Cipher cipher = cipher(javax.crypto.Cipher.ENCRYPT_MODE, caller, idempotencyKey, nonce);
            byte[] sealed = cipher.doFinal(body.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[nonce.length + sealed.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
            return "v1:" + java.util.Base64.getEncoder().encodeToString(out);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt an idempotent answer", e);
        }
    }

    /** The answer {@link #seal} stored; null when it cannot be read (then the request counts as not answered). */
    static String open(String caller, String idempotencyKey, String stored) {
        if (stored == null || !stored.startsWith("v1:")) {
            return null;
        }
        try {
            byte[] in = java.util.Base64.getDecoder().decode(stored.substring(3));
            byte[] nonce = java.util.Arrays.copyOf(in, 12);
            javax.crypto.Cipher cipher = cipher(javax.crypto.Cipher.DECRYPT_MODE, caller, idempotencyKey, nonce);
            return new String(cipher.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            log.warn("idempotency: a stored answer cannot be decrypted: {}", e.getClass().getSimpleName());
            return null;
        }
    }

    private static javax.crypto.Cipher cipher(int mode, String caller, String idempotencyKey, byte[] nonce)
            throws java.security.GeneralSecurityException {
        byte[] key = HexFormat.of().parseHex(fingerprint("idempotency-answer", caller, idempotencyKey));
        javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new javax.crypto.spec.SecretKeySpec(key, "AES"),
                new javax.crypto.spec.GCMParameterSpec(128, nonce));
        cipher.updateAAD(caller.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** Whether the process that claimed a key still runs (when the database cannot tell: assume it does). */
    private boolean processRuns(String claimedBy) {
        try {
            return instances.liveProcesses().contains(claimedBy);
        } catch (java.sql.SQLException e) {
            return true;
        }
    }

    private record Row(String requestLine, String resourceId, String process, Instant createdAt, String fingerprint,
                       Integer status, String location, String body) {
    }

    private Optional<Row> find(String caller, String key) {
        return jdbc.sql("SELECT * FROM idempotency_key WHERE caller = :caller AND key = :key")
                .param("caller", caller).param("key", key)
                .query((rs, n) -> {
                    int status = rs.getInt("status");
                    Integer statusOrNull = rs.wasNull() ? null : status;
                    return new Row(rs.getString("request_line"), rs.getString("resource_id"), rs.getString("process"),
                            rs.getTimestamp("created_at").toInstant(), rs.getString("fingerprint"), statusOrNull,
                            rs.getString("location"), rs.getString("body"));
                })
                .optional();
    }
}
