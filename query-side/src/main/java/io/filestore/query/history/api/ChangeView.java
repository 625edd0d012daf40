package io.filestore.query.history.api;

import java.time.Instant;
import java.util.Map;

/**
 * One change of a file: {@code kind} is created, changed, renamed, moved, shared, unshared, trashed, restored or
 * purged; {@code details} say what (e.g. {@code from}/{@code to} of a rename, the grantee of a share).
 */
public record ChangeView(String kind, Instant at, String actor, Map<String, String> details) {

    public static final java.util.List<String> KINDS = java.util.List.of("created", "changed", "renamed", "moved",
            "shared", "unshared", "trashed", "restored", "purged");
}
