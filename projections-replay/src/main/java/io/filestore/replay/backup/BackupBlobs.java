package io.filestore.replay.backup;

import io.filestore.blob.BlobStore;
import io.filestore.blob.ReadableBlob;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The blobs of all backups, {@code <backup-dir>/blobs/ab/cd/<sha256>}: content-addressed and immutable like the
 * blob store, so each is copied once and shared by every backup that references it (backups of blobs are
 * incremental). A copy streams through SHA-256 into a temp file, is verified against its id, forced to disk and
 * moved into place atomically.
 */
public final class BackupBlobs {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int BUFFER = 256 * 1024;

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

    /** Whether a copy of the blob with that size is already in the backup location (not re-verified). */
    public boolean contains(String sha256, long size) {
        Path path = path(sha256);
        try {
            return Files.isRegularFile(path) && Files.size(path) == size;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Copies a blob from the blob store (whose read is verified), hashing the copy and refusing it when it does not
     * match its id.
     *
     * @return the number of bytes copied
     * @throws io.filestore.blob.BlobStoreException when the store has no readable replica
     * @throws IOException when the copy fails or does not match
     */
    public long copyFrom(BlobStore store, String sha256, long size) throws IOException {
        Path target = path(sha256);
        ReadableBlob blob = store.open(sha256);
        Files.createDirectories(tmp);
        Path staged = Files.createTempFile(tmp, "copy-", ".tmp");
        try {
            long copied;
            try (InputStream in = blob.openStream();
                 FileChannel channel = FileChannel.open(staged, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(channel);
                MessageDigest digest = sha256();
                byte[] buffer = new byte[BUFFER];
                copied = 0;
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    digest.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    copied += n;
                }
                String actual = HexFormat.of().formatHex(digest.digest());
                if (!actual.equals(sha256) || copied != size) {
                    throw new IOException("the copy of blob " + sha256 + " has SHA-256 " + actual + " and " + copied
                            + " bytes, expected " + size + " bytes");
                }
                channel.force(true);
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

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
