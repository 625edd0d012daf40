package io.filestore.api.share;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Limits wrong public-link passwords: at most {@link #PER_LINK} failures per link and {@link #PER_ADDRESS} per
 * client address within {@link #WINDOW}; past that, attempts are refused (429) until the window moves on. Memory is
 * bounded ({@link #MAX_KEYS} keys, least recently used dropped).
 */
@Component
public class PasswordAttempts {

    static final int PER_LINK = 5;
    static final int PER_ADDRESS = 20;
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final int MAX_KEYS = 100_000;

    private final Map<String, Deque<Long>> failures = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
            return size() > MAX_KEYS;
        }
    };

    /** Seconds until another attempt is allowed, or 0 when one is allowed now. */
    public synchronized long retryAfter(String shareId, String address) {
        long now = System.nanoTime();
        return Math.max(wait("link:" + shareId, PER_LINK, now), wait("addr:" + address, PER_ADDRESS, now));
    }

    public synchronized void failed(String shareId, String address) {
        long now = System.nanoTime();
        failures.computeIfAbsent("link:" + shareId, k -> new ArrayDeque<>()).addLast(now);
        failures.computeIfAbsent("addr:" + address, k -> new ArrayDeque<>()).addLast(now);
    }

    private long wait(String key, int limit, long now) {
        Deque<Long> times = failures.get(key);
        if (times == null) {
            return 0;
        }
        while (!times.isEmpty() && now - times.peekFirst() > WINDOW.toNanos()) {
            times.pollFirst();
        }
        if (times.size() < limit) {
            return 0;
        }
        long oldest = times.peekFirst();
        return Math.max(1, Duration.ofNanos(WINDOW.toNanos() - (now - oldest)).toSeconds());
    }
}
