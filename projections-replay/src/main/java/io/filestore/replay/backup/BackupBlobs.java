package io.filestore.replay.backup;

import io.filestore.blob.BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The blobs of all backups, {@code <backup-dir>/blobs/ab/cd/<sha256>}: content-addressed and immutable like the
 * blob store, so each is copied once and shared by every backup that references it (backups of blobs are
 * incremental). A copy is the blob's stored form (ciphertext with its wrapped data key when the blob is encrypted),
 * checked against its id by the blob store, forced to disk and moved into place atomically.
 */
public final class BackupBlobs {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path root;
    private final Path tmp;

    public BackupBlobs(Path backupDirectory) {
        this.root = backupDirectory.resolve("blobs");
        this.tmp = root.resolve("tmp");
    }

    public Path path(String sha256) {
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not a SHA-256: " + sha256);
        }
        return root.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
    }

    /**
     * Whether a copy of the blob is already in the backup location (not re-verified). A copy is the blob's stored
     * form: as large as the content when it is plaintext, larger when it is encrypted (header and AEAD tags).
     */
    public boolean contains(String sha256, long size) {
        Path path = path(sha256);
        try {
            return Files.isRegularFile(path) && Files.size(path) >= size;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Copies a blob's stored form from the blob store: for an encrypted blob its ciphertext with the wrapped data
     * key, never the plaintext (a restore needs the master key). The store checks the copy against the id
     * (decrypting it when encrypted) before it is moved into place.
     *
     * @return the number of content bytes the copy holds
     * @throws io.filestore.blob.BlobStoreException when the store has no replica that checks out
     * @throws IOException when the copy fails or does not match
     */
    public long copyFrom(BlobStore store, String sha256, long size) throws IOException {
        Path target = path(sha256);
        Files.createDirectories(tmp);
        Path staged = Files.createTempFile(tmp, "copy-", ".tmp");
        try {
            long copied = store.exportStored(sha256, staged);
            if (copied != size) {
                throw new IOException("the copy of blob " + sha256 + " holds " + copied + " bytes, expected " + size);
            }
            Files.createDirectories(target.getParent());
            try {
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                // copied concurrently: the same content
            }
            return copied;
        } finally {
            Files.deleteIfExists(staged);
        }
    }

    /**
     * Removes partial copies left in {@code blobs/tmp} by a backup that crashed or was killed: files not modified for
     * {@code olderThan} (a copy in progress is written continuously). Returns how many were removed.
     */
    public int cleanupTemp(Duration olderThan) {
        if (olderThan.isNegative()) {
            throw new IllegalArgumentException("olderThan must not be negative, was " + olderThan);
        }
        if (!Files.isDirectory(tmp)) {
            return 0;
        }
        FileTime cutoff = FileTime.from(Instant.now().minus(olderThan));
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
            for (Path file : files) {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    if (attributes.isRegularFile() && attributes.lastModifiedTime().compareTo(cutoff) < 0
                            && Files.deleteIfExists(file)) {
                        removed++;
                    }
                } catch (NoSuchFileException e) {
                    // removed meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up " + tmp, e);
        }
        return removed;
    }

    /** What {@link #deleteUnreferenced} removed. */
    public record Pruned(long blobs, long bytes) {
    }

    /**
     * Deletes every blob whose SHA-256 is not among {@code referenced}, which must yield hashes in ascending order
     * (duplicates allowed). The blobs are visited in ascending order too, so this is one merge, whatever the size.
     */
    public Pruned deleteUnreferenced(java.util.Iterator<String> referenced) throws IOException {
        String next = referenced.hasNext() ? referenced.next() : null;
        long blobs = 0;
        long bytes = 0;
        for (Path first : sorted(root, TWO_HEX)) {
            for (Path second : sorted(first, TWO_HEX)) {
                for (Path blob : sorted(second, SHA256)) {
                    String name = blob.getFileName().toString();
                    while (next != null && next.compareTo(name) < 0) {
                        next = referenced.hasNext() ? referenced.next() : null;
                    }
                    if (name.equals(next)) {
                        continue;
                    }
                    long size = Files.size(blob);
                    if (Files.deleteIfExists(blob)) {
                        blobs++;
                        bytes += size;
                    }
                }
            }
        }
        return new Pruned(blobs, bytes);
    }

    private static final Pattern TWO_HEX = Pattern.compile("[0-9a-f]{2}");

    private static List<Path> sorted(Path dir, Pattern names) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (names.matcher(entry.getFileName().toString()).matches()) {
                    children.add(entry);
                }
            }
        }
        children.sort(Comparator.comparing(path -> path.getFileName().toString()));
        return children;
    }
}
