package io.filestore.blob;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One replica as its node described it.
 *
 * @param node         the node holding it
 * @param sha256       the blob id
 * @param size         its length in bytes
 * @param lastModified when it was written or last reused
 * @param version      what changes whenever the stored bytes are replaced (a file's inode, an object's ETag)
 * @param regular      a regular file or object (a directory in its place is not a replica)
 * @param path         the file, for a directory node; null for an object store
 */
record Replica(Node node, String sha256, long size, Instant lastModified, Object version, boolean regular, Path path) {

    /** The key of this replica in caches: node id and blob id. */
    String key() {
        return node.id + "\n" + sha256;
    }

    boolean sameAs(Replica other) {
        return other != null && size == other.size && lastModified.equals(other.lastModified)
                && java.util.Objects.equals(version, other.version);
    }
}
