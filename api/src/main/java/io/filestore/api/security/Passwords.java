package io.filestore.api.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The one password encoder of accounts and public links. bcrypt reads at most 72 bytes (and Spring's encoder refuses
 * longer input), so new hashes are {@code {bcrypt-sha256}}: bcrypt over the Base64 of the password's SHA-256
 * (44 ASCII bytes), which keeps every character of a password up to the 200-character limit significant. Hashes
 * written before, {@code {bcrypt}$2a$...}, still verify (a password longer than 72 bytes never matches them, since
 * none could have been set).
 */
public final class Passwords {

    public static final String PREHASHED_ID = "bcrypt-sha256";
    /** The most a password may have, in characters, for accounts and links (the README promises 10-200 / 1-200). */
    public static final int MAX_LENGTH = 200;
    private static final int BCRYPT_MAX_BYTES = 72;

    private static final PasswordEncoder ENCODER = create();

    private Passwords() {
    }

    public static PasswordEncoder encoder() {
        return ENCODER;
    }

    private static PasswordEncoder create() {
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();
        PasswordEncoder legacy = new PasswordEncoder() {
            @Override
            public String encode(CharSequence raw) {
                return bcrypt.encode(raw);
            }

            @Override
            public boolean matches(CharSequence raw, String encoded) {
                if (raw == null || raw.toString().getBytes(StandardCharsets.UTF_8).length > BCRYPT_MAX_BYTES) {
                    return false;
                }
                return bcrypt.matches(raw, encoded);
            }
        };
        PasswordEncoder prehashed = new PasswordEncoder() {
            @Override
            public String encode(CharSequence raw) {
                return bcrypt.encode(prehash(raw));
            }

            @Override
            public boolean matches(CharSequence raw, String encoded) {
                return raw != null && bcrypt.matches(prehash(raw), encoded);
            }
        };
        return new DelegatingPasswordEncoder(PREHASHED_ID, Map.of(PREHASHED_ID, prehashed, "bcrypt", legacy));
    }

    /** Base64 of SHA-256 over the UTF-8 bytes: fixed length, no NUL byte (bcrypt stops at one). */
    static String prehash(CharSequence raw) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
