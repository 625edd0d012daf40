package io.filestore.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** Test content and a look at what is really on disk, independent of the store's own code. */
final class TestData {

    private TestData() {
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(Path file) {
        try {
            return sha256(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> nodeDirs(Path root, int count) {
        List<Path> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(root.resolve("node-" + i));
        }
        return nodes;
    }

    static BlobStoreSettings settings(List<Path> nodes, int replicationFactor) {
        return new BlobStoreSettings(nodes, replicationFactor, 0, false, 1000);
    }

    /** The documented layout, spelled out here rather than taken from the store. */
    static Path replicaPath(Path node, String sha256) {
        return node.resolve("blobs").resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
    }

    /** Indexes of the nodes holding a file for the blob. */
    static List<Integer> holders(List<Path> nodes, String sha256) {
        List<Integer> holders = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (Files.isRegularFile(replicaPath(nodes.get(i), sha256))) {
                holders.add(i);
            }
        }
        return holders;
    }

    /** Every regular file below a directory (empty when it does not exist). */
    static List<Path> filesUnder(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** An endless stream that counts what was read from it. */
    static final class EndlessStream extends InputStream {
        long bytesRead;

        @Override
        public int read() {
            bytesRead++;
            return 'x';
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            java.util.Arrays.fill(buffer, offset, offset + length, (byte) 'x');
            bytesRead += length;
            return length;
        }
    }
}
