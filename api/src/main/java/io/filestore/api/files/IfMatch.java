package io.filestore.api.files;

import io.filestore.api.web.BadRequestException;
import io.filestore.command.api.BlobId;
import io.filestore.command.api.ExpectedState;

/**
 * Reads an {@code If-Match} precondition: {@code "<sha256 hex>"} or {@code "sha256:<hex>"} (the download's strong
 * ETag, i.e. the current content), or {@code "v<n>"} / {@code "<n>"} (the current version number). {@code *}
 * matches any existing file. A weak tag never matches (RFC 9110 §13.1.1 uses strong comparison).
 */
final class IfMatch {

    private IfMatch() {
    }

    static ExpectedState parse(String header) {
        if (header == null || header.isBlank() || header.trim().equals("*")) {
            return null;
        }
        String value = header.trim();
        if (value.contains(",")) {
            throw new BadRequestException("If-Match", "If-Match takes a single entity tag here");
        }
        if (value.startsWith("W/")) {
            return new ExpectedState(-1, null); // never matches
        }
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        if (value.startsWith("sha256:")) {
            value = value.substring("sha256:".length());
        }
        if (value.matches("[0-9a-f]{64}")) {
            return new ExpectedState(null, new BlobId(value));
        }
        String number = value.startsWith("v") ? value.substring(1) : value;
        if (number.matches("[0-9]{1,9}")) {
            return new ExpectedState(Integer.parseInt(number), null);
        }
        throw new BadRequestException("If-Match", "If-Match must be the file's ETag (\"<sha256>\") or version (\"v<n>\")");
    }
}
