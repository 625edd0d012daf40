package io.filestore.api.security;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wrong-password counts in this process's memory: what one instance alone needs, and what every instance falls back
 * to while PostgreSQL cannot be reached. Bounded: at most {@code maxKeys} counts, the least recently used dropped.
 */
final class MemoryGuessCounts implements GuessCounts {

    private final Map<String, Failures> failures;

    MemoryGuessCounts(int maxKeys) {
        this.failures = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
                return size() > maxKeys;
            }
        };
    }

    @Override
    public synchronized Map<String, Failures> current(List<String> keys, long forgetBefore) {
        Map<String, Failures> found = new HashMap<>();
        for (String key : keys) {
            Failures f = failures.get(key);
            if (f != null && f.last() < forgetBefore) {
                failures.remove(key);
            } else if (f != null) {
                found.put(key, f);
            }
        }
        return found;
    }

    @Override
    public synchronized void failed(List<String> keys, long now, long forgetBefore) {
        for (String key : keys) {
            Failures f = failures.get(key);
            int count = f == null || f.last() < forgetBefore ? 1 : f.count() + 1;
            failures.put(key, new Failures(count, Math.max(now, f == null ? now : f.last())));
        }
    }

    @Override
    public synchronized void clear(String key) {
        failures.remove(key);
    }

    @Override
    public synchronized int forget(long forgetBefore) {
        int before = failures.size();
        failures.values().removeIf(f -> f.last() < forgetBefore);
        return before - failures.size();
    }

    synchronized int size() {
        return failures.size();
    }
}
