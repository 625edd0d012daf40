package io.filestore.blob;

import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Lists the distinct blob ids of all nodes in ascending order without remembering them: each node lists its ids in
 * ascending order ({@link Node#ids()}) and the per-node sequences are merged, dropping duplicates. Memory is one
 * listing page per node, whatever the number of blobs.
 */
final class BlobListing {

    private BlobListing() {
    }

    static Stream<String> of(List<Node> nodes) {
        Iterator<String> merged = new MergedIterator(nodes.stream().map(Node::ids).toList());
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(merged,
                Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.SORTED | Spliterator.NONNULL), false);
    }

    private static final class MergedIterator implements Iterator<String> {
        private record Head(String id, Iterator<String> source) {
        }

        private final PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing(Head::id));
        private String last;
        private String next;

        MergedIterator(List<Iterator<String>> sources) {
            for (Iterator<String> source : sources) {
                advance(source);
            }
        }

        private void advance(Iterator<String> source) {
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
}
