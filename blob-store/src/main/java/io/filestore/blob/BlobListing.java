package io.filestore.blob;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Lists the distinct blob ids of all nodes in ascending order without remembering them: each node's fan-out tree
 * is walked in sorted order (its directory names are prefixes of the ids), and the per-node sequences are merged,
 * dropping duplicates. Memory is one directory listing per node, whatever the number of blobs.
 */
final class BlobListing {

    private BlobListing() {
    }

    static Stream<String> of(List<Node> nodes) {
        Iterator<String> merged = new MergedIterator(nodes.stream().map(n -> new NodeIterator(n.blobs)).toList());
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(merged,
                Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.SORTED | Spliterator.NONNULL), false);
    }

    /** Ids under one node's {@code blobs} directory, ascending. */
    private static final class NodeIterator implements Iterator<String> {
        private final Deque<String> firstLevel;
        private String currentFirst;
        private Deque<String> secondLevel = new ArrayDeque<>();
        private Deque<String> ids = new ArrayDeque<>();
        private final Path blobs;

        NodeIterator(Path blobs) {
            this.blobs = blobs;
            this.firstLevel = sortedNames(blobs, BlobListing::isFanOutName);
        }

        @Override
        public boolean hasNext() {
            while (ids.isEmpty()) {
                if (secondLevel.isEmpty()) {
                    if (firstLevel.isEmpty()) {
                        return false;
                    }
                    currentFirst = firstLevel.poll();
                    secondLevel = sortedNames(blobs.resolve(currentFirst), BlobListing::isFanOutName);
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
    }

    private static final class MergedIterator implements Iterator<String> {
        private record Head(String id, NodeIterator source) {
        }

        private final PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing(Head::id));
        private String last;
        private String next;

        MergedIterator(List<NodeIterator> sources) {
            for (NodeIterator source : sources) {
                advance(source);
            }
        }

        private void advance(NodeIterator source) {
            if (source.hasNext()) {
                heads.add(new Head(source.next(), source));
            }
        }

        @Override
        public boolean hasNext() {
            while (next == null && !heads.isEmpty()) {
                Head head = heads.poll();
                advance(head.source());
                // blobs written while listing can only show up in order, but never emit an id twice
                if (last == null || head.id().compareTo(last) > 0) {
                    next = head.id();
                    last = next;
                }
            }
            return next != null;
        }

        @Override
        public String next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            String result = next;
            next = null;
            return result;
        }
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
