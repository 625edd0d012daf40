package io.filestore.api.cdn;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The cache tags of delivered content, by which the edge purges it: {@code f-<fileId>} (the file: trash, purge),
 * {@code v-<fileId>-<version>} (one version), {@code o-<owner>} (everything of one owner) and {@code g-<shareId>}
 * (what one share or public link gave access to: revoke). Every key is made of {@code [A-Za-z0-9_-]} only, so an edge
 * can match it in a regular expression without escaping; a value with other characters (a user id with {@code .}
 * or {@code @}) is replaced by {@code h} and 24 hex digits of its SHA-256.
 */
public final class SurrogateKeys {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private SurrogateKeys() {
    }

    public static String file(String fileId) {
        return "f-" + safe(fileId);
    }

    public static String version(String fileId, int version) {
        return "v-" + safe(fileId) + "-" + version;
    }

    public static String owner(String userId) {
        return "o-" + safe(userId);
    }

    /** The key of a share or link (by its share id), empty for the owner's and administrators' grants. */
    public static List<String> grant(String grant) {
        return grant.length() > 2 && grant.charAt(1) == '.' ? List.of(share(grant.substring(2))) : List.of();
    }

    public static String share(String shareId) {
        return "g-" + safe(shareId);
    }

    /** Every key of one delivered version. */
    public static List<String> of(String fileId, int version, String owner, String grant) {
        List<String> keys = new java.util.ArrayList<>(List.of(file(fileId), version(fileId, version), owner(owner)));
        keys.addAll(grant(grant));
        return keys;
    }

    static String safe(String value) {
        if (PLAIN.matcher(value).matches()) {
            return value;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "h" + HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
