package io.filestore.replay.archive;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import tools.jackson.databind.json.JsonMapper;

/** The JSON settings of the archive format: plain Jackson, byte arrays as base64, instants as ISO-8601 strings. */
final class ArchiveJson {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private ArchiveJson() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
