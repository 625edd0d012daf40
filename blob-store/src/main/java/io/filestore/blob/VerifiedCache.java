package io.filestore.blob;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded LRU set of replicas whose content was verified, keyed by node and blob and remembered with the size, the
 * last-modified time and the version (a file's inode, an object's ETag) seen when they were verified, and when. A
 * replica that changed in any of these, or whose verification is older than the maximum age, is verified again.
 * Corruption that keeps all three (bit rot, or a byte flipped with its modification time put back) can therefore be
 * trusted for at most that age. A whole read that hashed the replica while it streamed counts as a verification
 * ({@link BlobStore#reportIntact}).
 */
final class VerifiedCache {

    private record Verified(Replica replica, long verifiedAtNanos) {
    }

    private final int capacity;
    private final long maxAgeNanos;
    private final LinkedHashMap<String, Verified> entries;

    VerifiedCache(int capacity, Duration maxAge) {
        this.capacity = capacity;
        this.maxAgeNanos = maxAge.toNanos();
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Verified> eldest) {
                return size() > VerifiedCache.this.capacity;
            }
        };
    }

    boolean isVerified(Replica replica) {
        if (capacity == 0) {
            return false;
        }
        synchronized (entries) {
            Verified entry = entries.get(replica.key());
            if (entry == null) {
                return false;
            }
            if (System.nanoTime() - entry.verifiedAtNanos() > maxAgeNanos) {
                entries.remove(replica.key());
                return false;
            }
            return entry.replica().sameAs(replica);
        }
    }

    void markVerified(Replica replica) {
        if (capacity == 0) {
            return;
        }
        synchronized (entries) {
            entries.put(replica.key(), new Verified(replica, System.nanoTime()));
        }
    }

    void forget(String key) {
        synchronized (entries) {
            entries.remove(key);
        }
    }
}
