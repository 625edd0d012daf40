package io.filestore.blob;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A bounded LRU set of replicas whose content was verified, keyed by path and remembered with the size, the
 * last-modified time and the file key (inode) seen when they were verified, and when. A replica that changed in any
 * of these, or whose verification is older than the maximum age, is verified again. Corruption that keeps all three
 * (bit rot, or a byte flipped with its modification time put back) can therefore be trusted for at most that age;
 * whole-file reads are hashed while they stream and never rely on this cache (see {@link BlobStore#open(String,
 * BlobStore.ReadCheck)}).
 */
final class VerifiedCache {

    private record Stamp(long size, FileTime lastModified, Object fileKey) {
        static Stamp of(BasicFileAttributes attributes) {
            return new Stamp(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
        }
    }

    private record Verified(Stamp stamp, long verifiedAtNanos) {
    }

    private final int capacity;
    private final long maxAgeNanos;
    private final LinkedHashMap<Path, Verified> entries;

    VerifiedCache(int capacity, Duration maxAge) {
        this.capacity = capacity;
        this.maxAgeNanos = maxAge.toNanos();
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Path, Verified> eldest) {
                return size() > VerifiedCache.this.capacity;
            }
        };
    }

    boolean isVerified(Path path, BasicFileAttributes attributes) {
        if (capacity == 0) {
            return false;
        }
        synchronized (entries) {
            Verified entry = entries.get(path);
            if (entry == null) {
                return false;
            }
            if (System.nanoTime() - entry.verifiedAtNanos() > maxAgeNanos) {
                entries.remove(path);
                return false;
            }
            return Objects.equals(entry.stamp(), Stamp.of(attributes));
        }
    }

    void markVerified(Path path, BasicFileAttributes attributes) {
        if (capacity == 0) {
            return;
        }
        synchronized (entries) {
            entries.put(path, new Verified(Stamp.of(attributes), System.nanoTime()));
        }
    }

    void forget(Path path) {
        synchronized (entries) {
            entries.remove(path);
        }
    }
}
