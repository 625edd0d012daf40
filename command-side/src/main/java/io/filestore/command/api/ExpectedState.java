package io.filestore.command.api;

import java.util.List;

/**
 * An optimistic-concurrency precondition (from {@code If-Match}, RFC 9110 §13.1.1): the change applies only if any
 * of its alternatives describes the file as it is now. An alternative names the file's current version number, its
 * current content, or its revision (the aggregate sequence number of its last change, which every change of
 * content, name, metadata or permissions moves on). No alternatives at all never matches (a well-formed entity tag
 * that names nothing of ours); a {@code null} precondition means "none".
 *
 * @param anyOf the alternatives, at least one of which must hold
 */
public record ExpectedState(List<Alternative> anyOf) {

    /** Matches any existing file. */
    public static final ExpectedState ANY = new ExpectedState(List.of(new Alternative(null, null, null)));

    /** Matches nothing: the client's tag names no state this file ever had. */
    public static final ExpectedState NONE = new ExpectedState(List.of());

    public ExpectedState {
        anyOf = anyOf == null ? List.of() : List.copyOf(anyOf);
    }

    /** One alternative: a version number and/or content (kept for the content ETag and {@code "v<n>"}). */
    public ExpectedState(Integer version, BlobId blobId) {
        this(List.of(new Alternative(version, blobId, null)));
    }

    /** The file's revision, as carried by the {@code ETag} of its JSON answers. */
    public static ExpectedState revision(long revision) {
        return new ExpectedState(List.of(new Alternative(null, null, revision)));
    }

    public boolean matches(int currentVersion, BlobId currentBlob, long currentRevision) {
        return anyOf.stream().anyMatch(a -> a.matches(currentVersion, currentBlob, currentRevision));
    }

    /** Each non-null part must equal the file's current one. */
    public record Alternative(Integer version, BlobId blobId, Long revision) {

        boolean matches(int currentVersion, BlobId currentBlob, long currentRevision) {
            return (version == null || version == currentVersion)
                    && (blobId == null || blobId.equals(currentBlob))
                    && (revision == null || revision == currentRevision);
        }
    }
}
