package io.filestore.command.api;

import java.util.regex.Pattern;

/** Content address of immutable file bytes: the lowercase hex SHA-256 of the content. */
public record BlobId(String sha256) {

    private static final Pattern HEX_64 = Pattern.compile("[0-9a-f]{64}");

    public BlobId {
        if (sha256 == null || !HEX_64.matcher(sha256).matches()) {
            throw new InvalidValueException("blobId", "must be 64 lowercase hex characters (SHA-256)");
        }
    }

    /** The checksum form used in API responses: {@code sha256:<hex>}. */
    public String checksum() {
        return "sha256:" + sha256;
    }

    @Override
    public String toString() {
        return sha256;
    }
}
