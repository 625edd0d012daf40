package io.filestore.blob;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The blobs last seen with fewer than R intact replicas (under-replicated) or none at all (unrecoverable), updated by
 * every read, heal and scrub that checks a blob. Each set holds at most {@code limit} ids; beyond that only a count of
 * the overflow is kept (it is cleared by the next complete scrub, which records every blob afresh).
 */
final class ReplicaTracker {

    static final int DEFAULT_LIMIT = 100_000;

    private final int limit;
    private final Set<String> underReplicated = ConcurrentHashMap.newKeySet();
    private final Set<String> unrecoverable = ConcurrentHashMap.newKeySet();
    private final AtomicLong overflow = new AtomicLong();

    ReplicaTracker(int limit) {
        this.limit = limit;
    }

    /**
     * @param unavailable no intact replica was found but a node that may hold one is down: under-replicated, not lost
     */
    void record(String id, int replicas, int replicationFactor, boolean unavailable) {
        if (replicas == 0 && !unavailable) {
            underReplicated.remove(id);
            add(unrecoverable, id);
        } else if (replicas < replicationFactor) {
            unrecoverable.remove(id);
            add(underReplicated, id);
        } else {
            forget(id);
        }
    }

    void forget(String id) {
        underReplicated.remove(id);
        unrecoverable.remove(id);
    }

    long underReplicatedCount() {
        return underReplicated.size();
    }

    long unrecoverableCount() {
        return unrecoverable.size();
    }

    List<String> unrecoverable(int max) {
        return unrecoverable.stream().sorted().limit(max).toList();
    }

    List<String> underReplicated(int max) {
        return underReplicated.stream().sorted().limit(max).toList();
    }

    private void add(Set<String> set, String id) {
        if (set.size() < limit) {
            set.add(id);
        } else {
            overflow.incrementAndGet();
        }
    }
}
