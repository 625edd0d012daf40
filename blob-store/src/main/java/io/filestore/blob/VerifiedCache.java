package io.filestore.blob;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A bounded LRU set of replicas whose content was verified, keyed by path and remembered with the size, the
 * last-modified time and the file key (inode) seen when they were verified. A replica that changed in any of these
 * is verified again. Corruption that keeps all three (bit rot) is left to {@link BlobStore#scrub()}.
 */
final class VerifiedCache {

    private record Stamp(long size, FileTime lastModified, Object fileKey) {
        static Stamp of(BasicFileAttributes attributes) {
            return new Stamp(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
        }
    }

    private final int capacity;
    private final LinkedHashMap<Path, Stamp> entries;

    VerifiedCache(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Path, Stamp> eldest) {
                return size() > VerifiedCache.this.capacity;
            }
        };
    }

    boolean isVerified(Path path, BasicFileAttributes attributes) {
        if (capacity == 0) {
            return false;
        }
        synchronized (entries) {
            return Objects.equals(entries.get(path), Stamp.of(attributes));
        }
    }

    void markVerified(Path path, BasicFileAttributes attributes) {
        if (capacity == 0) {
            return;
        }
        synchronized (entries) {
            entries.put(path, Stamp.of(attributes));
        }
    }

    void forget(Path path) {
        synchronized (entries) {
            entries.remove(path);
        }
    }
}
