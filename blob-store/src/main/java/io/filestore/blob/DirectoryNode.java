package io.filestore.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node directory:
 * <pre>
 * &lt;node&gt;/blobs/ab/cd/&lt;sha256&gt;   replicas, fanned out by the first two byte-pairs of the id
 * &lt;node&gt;/tmp/                     files being written (moved atomically into blobs/ when complete)
 * &lt;node&gt;/quarantine/              replicas found corrupt
 * &lt;node&gt;/READ_ONLY, &lt;node&gt;/DRAINING   markers of the state an administrator set (they travel with the disk)
 * </pre>
 * A node is up when its directory and its {@code blobs} directory exist and are writable. A missing {@code blobs}
 * directory means down (an unmounted disk shows an empty mount point), so it is only created at construction.
 */
final class DirectoryNode extends Node {

    private static final Logger log = LoggerFactory.getLogger(DirectoryNode.class);

    final Path root;
    final Path blobs;
    final Path tmp;
    final Path quarantine;

    DirectoryNode(Path root) {
        this(root, "node", BlobStoreSettings.DEFAULT_LOCATION);
    }

    DirectoryNode(Path root, String name, String location) {
        super(root.toAbsolutePath().normalize().toString(), name, location);
        this.root = root.toAbsolutePath().normalize();
        this.blobs = this.root.resolve("blobs");
        this.tmp = this.root.resolve("tmp");
        this.quarantine = this.root.resolve("quarantine");
    }

    @Override
    String kind() {
        return "directory";
    }

    @Override
    void initialize() throws IOException {
        Files.createDirectories(blobs);
        Files.createDirectories(tmp);
        Files.createDirectories(quarantine);
    }

    @Override
    boolean isUp() {
        return Files.isDirectory(root) && Files.isDirectory(blobs) && Files.isWritable(blobs);
    }

    @Override
    boolean isReadOnly() {
        return Files.exists(root.resolve(READ_ONLY));
    }

    @Override
    boolean isDraining() {
        return Files.exists(root.resolve(DRAINING));
    }

    @Override
    void mark(String marker, boolean on) throws IOException {
        Path file = root.resolve(marker);
        if (on) {
            if (!Files.exists(file)) {
                Files.writeString(file, "set by an administrator\n");
                fsyncDirectory(root);
            }
        } else if (Files.deleteIfExists(file)) {
            fsyncDirectory(root);
        }
    }

    @Override
    boolean isReadable() {
        return Files.isDirectory(blobs);
    }

    @Override
    long usableBytes() {
        return root.toFile().getUsableSpace(); // 0 when the directory does not exist
    }

    @Override
    long totalBytes() {
        return root.toFile().getTotalSpace();
    }

    Path blobPath(String sha256) {
        return blobs.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
    }

    Path newTempFile(String prefix) throws IOException {
        Files.createDirectories(tmp); // only under an existing node directory: callers checked isUp()
        return Files.createTempFile(tmp, prefix, ".tmp");
    }

    @Override
    Optional<Replica> replica(String sha256) {
        Path path = blobPath(sha256);
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return Optional.of(new Replica(this, sha256, attributes.size(),
                    attributes.lastModifiedTime().toInstant(), attributes.fileKey(), attributes.isRegularFile(),
                    path));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    InputStream open(Replica replica, long offset, long length) throws IOException {
        FileChannel channel = FileChannel.open(replica.path(), StandardOpenOption.READ);
        channel.position(offset);
        return new BoundedInputStream(Channels.newInputStream(channel), length);
    }

    @Override
    Sha256.Digested hash(Replica replica) throws IOException {
        return Sha256.of(replica.path());
    }

    /**
     * Moves a staged, verified file into place when it is on this node's file system.
     *
     * @return false when it is not (the caller copies instead)
     */
    boolean adopt(Path staged, String sha256, boolean fsync) throws IOException {
        try {
            publish(staged, blobPath(sha256), fsync);
            return true;
        } catch (AtomicMoveNotSupportedException e) {
            log.debug("Node {} is on another file system than the staged file, copying", this);
            return false;
        }
    }

    @Override
    void write(String sha256, long size, Path verifiedSource, boolean fsync) throws IOException {
        Path staged = newTempFile("copy-");
        try {
            Sha256.Digested copy = Sha256.copy(verifiedSource, staged, fsync);
            // a plaintext copy is checked against its id; an encrypted one by size here and through its AEAD on read
            if (copy.size() != size || (!copy.sha256().equals(sha256) && !BlobEncryption.isEncrypted(staged))) {
                throw new IOException("copy of " + verifiedSource + " has SHA-256 " + copy.sha256() + " and "
                        + copy.size() + " bytes, expected " + sha256 + " and " + size + " bytes");
            }
            publish(staged, blobPath(sha256), fsync);
        } finally {
            Files.deleteIfExists(staged);
        }
    }

    /**
     * Atomically moves a complete, verified file to its final path. Where the platform refuses to replace an existing
     * file, the existing one (written by a concurrent writer of the same content) is kept.
     */
    /**
     * Replaces a blob's replica with {@code staged} (on this node) in one atomic rename: a reader that opened the old
     * file keeps reading it; one that opens the name afterwards gets the new file.
     */
    void replace(Path staged, String sha256, boolean fsync) throws IOException {
        Path target = blobPath(sha256);
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (fsync) {
            fsyncDirectory(target.getParent());
        }
    }

    private static void publish(Path staged, Path target, boolean fsync) throws IOException {
        Path leaf = target.getParent();
        if (!Files.isDirectory(leaf)) {
            Files.createDirectories(leaf);
            if (fsync) {
                fsyncDirectory(leaf.getParent());
                fsyncDirectory(leaf.getParent().getParent());
            }
        }
        try {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            log.debug("{} was published concurrently", target);
        }
        if (fsync) {
            fsyncDirectory(leaf);
        }
    }

    @Override
    Optional<String> quarantine(Replica examined) throws IOException {
        Path path = examined.path();
        try {
            BasicFileAttributes now = Files.readAttributes(path, BasicFileAttributes.class);
            if (!examined.sameAs(new Replica(this, examined.sha256(), now.size(),
                    now.lastModifiedTime().toInstant(), now.fileKey(), now.isRegularFile(), path))) {
                log.info("Replica {} changed after it was examined, not quarantined", path);
                return Optional.empty();
            }
            Files.createDirectories(quarantine);
            Path destination = quarantine.resolve(path.getFileName() + "." + System.currentTimeMillis() + "."
                    + Integer.toHexString(ThreadLocalRandom.current().nextInt()));
            Files.move(path, destination, StandardCopyOption.ATOMIC_MOVE);
            return Optional.of(destination.toString());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    void delete(String sha256) throws IOException {
        Files.deleteIfExists(blobPath(sha256));
    }

    @Override
    void touch(String sha256) throws IOException {
        Files.setLastModifiedTime(blobPath(sha256), FileTime.from(Instant.now()));
    }

    @Override
    Iterator<String> ids() {
        return new IdIterator(blobs);
    }

    @Override
    NodeUsage usage() {
        long count = 0;
        long bytes = 0;
        Iterator<String> ids = ids();
        while (ids.hasNext()) {
            Optional<Replica> replica = replica(ids.next());
            if (replica.isPresent()) {
                count++;
                bytes += replica.get().size();
            }
        }
        return new NodeUsage(count, bytes);
    }

    @Override
    int cleanup(Instant cutoff) {
        return cleanupTempFiles(tmp, cutoff);
    }

    /** Removes regular files in {@code dir} last modified before the cut-off. */
    static int cleanupTempFiles(Path dir, Instant cutoff) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    if (attributes.isRegularFile() && attributes.lastModifiedTime().toInstant().isBefore(cutoff)
                            && Files.deleteIfExists(file)) {
                        removed++;
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            log.warn("Cannot clean up temp files in {}: {}", dir, e.toString());
        }
        return removed;
    }

    @Override
    NodeStatus status() {
        boolean up = isUp();
        return new NodeStatus(id, root, up, up ? usableBytes() : 0, name, location, state(),
                up ? totalBytes() : 0, errors.get(), kind(), null, null);
    }

    /** Forces a directory's entries to disk; not every platform can open a directory, which is then skipped. */
    static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // e.g. Windows cannot open a directory as a channel; the move itself is still atomic
        }
    }

    /**
     * Ids under one node's {@code blobs} directory, ascending, without remembering them: the fan-out tree is walked in
     * sorted order (its directory names are prefixes of the ids). Memory is one directory listing.
     */
    private static final class IdIterator implements Iterator<String> {
        private final Deque<String> firstLevel;
        private String currentFirst;
        private Deque<String> secondLevel = new ArrayDeque<>();
        private Deque<String> ids = new ArrayDeque<>();
        private final Path blobs;

        IdIterator(Path blobs) {
            this.blobs = blobs;
            this.firstLevel = sortedNames(blobs, IdIterator::isFanOutName);
        }

        @Override
        public boolean hasNext() {
            while (ids.isEmpty()) {
                if (secondLevel.isEmpty()) {
                    if (firstLevel.isEmpty()) {
                        return false;
                    }
                    currentFirst = firstLevel.poll();
                    secondLevel = sortedNames(blobs.resolve(currentFirst), IdIterator::isFanOutName);
                    continue;
                }
                String second = secondLevel.poll();
                String prefix = currentFirst + second;
                ids = sortedNames(blobs.resolve(currentFirst).resolve(second),
                        name -> BlobIds.isValid(name) && name.startsWith(prefix));
            }
            return true;
        }

        @Override
        public String next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ids.poll();
        }

        private static boolean isFanOutName(String name) {
            return name.length() == 2 && BlobIds.isLowerHex(name.charAt(0)) && BlobIds.isLowerHex(name.charAt(1));
        }

        private static Deque<String> sortedNames(Path dir, Predicate<String> accept) {
            List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (accept.test(name)) {
                        names.add(name);
                    }
                }
            } catch (NoSuchFileException | NotDirectoryException e) {
                return new ArrayDeque<>(); // node down or directory removed while listing: nothing there
            } catch (IOException e) {
                throw new BlobStoreException(BlobStoreException.Reason.IO, "cannot list " + dir, e);
            }
            Collections.sort(names);
            return new ArrayDeque<>(names);
        }
    }
}
