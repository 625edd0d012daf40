package io.filestore.api.security;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Slows down password guessing without letting a stranger lock the owner out. Wrong passwords are counted per
 * (secret, client address) pair, where the secret is an account or a public link, and per client address over all
 * secrets. Each count has a free budget ({@code filestore.security.password-guesses.free-per-pair}, default
 * {@value #FREE_PER_PAIR}; {@code ...free-per-address}, default {@value #FREE_PER_ADDRESS});
 * past it, the next attempt must wait {@code 2^(failures - budget)} seconds after the last failure (at most
 * {@value #MAX_DELAY_SECONDS} s), and an attempt before then is refused (429 with Retry-After) without checking the
 * password. So guessing from one address costs exponential time, while the owner, coming from another address, is
 * not slowed at all. A correct password clears its pair; a count is forgotten {@value #FORGET_AFTER_MINUTES} minutes
 * after its last failure. Memory is bounded: at most {@value #MAX_KEYS} counts, the least recently used dropped.
 */
@Component
public class GuessThrottle {

    static final int FREE_PER_PAIR = 5;
    static final int FREE_PER_ADDRESS = 50;
    static final long MAX_DELAY_SECONDS = 900;
    static final long FORGET_AFTER_MINUTES = 60;
    static final int MAX_KEYS = 100_000;

    private final LongSupplier clock;
    private final int freePerPair;
    private final int freePerAddress;
    private final Map<String, Failures> failures = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > MAX_KEYS;
        }
    };

    @Autowired
    public GuessThrottle(@Value("${filestore.security.password-guesses.free-per-pair:5}") int freePerPair,
                         @Value("${filestore.security.password-guesses.free-per-address:50}") int freePerAddress) {
        this(System::nanoTime, freePerPair, freePerAddress);
    }

    GuessThrottle(LongSupplier clock, int freePerPair, int freePerAddress) {
        if (freePerPair < 1 || freePerAddress < 1) {
            throw new IllegalArgumentException("password guess budgets must be at least 1");
        }
        this.clock = clock;
        this.freePerPair = freePerPair;
        this.freePerAddress = freePerAddress;
    }

    private static final class Failures {
        int count;
        long last;
    }

    /** Seconds the client must wait before it may try a password for {@code secret} again, 0 when it may now. */
    public synchronized long retryAfter(String secret, String address) {
        long now = clock.getAsLong();
        return Math.max(wait(pair(secret, address), freePerPair, now), wait(addressKey(address), freePerAddress, now));
    }

    /** A wrong password for {@code secret} from {@code address}. */
    public synchronized void failed(String secret, String address) {
        long now = clock.getAsLong();
        record(pair(secret, address), now);
        record(addressKey(address), now);
    }

    /** The right password: the pair starts afresh (the address's count stays, it spans every secret). */
    public synchronized void succeeded(String secret, String address) {
        failures.remove(pair(secret, address));
    }

    private void record(String key, long now) {
        Failures f = current(key, now);
        if (f == null) {
            f = new Failures();
            failures.put(key, f);
        }
        f.count++;
        f.last = now;
    }

    private long wait(String key, int free, long now) {
        Failures f = current(key, now);
        if (f == null || f.count < free) {
            return 0;
        }
        long delay = delaySeconds(f.count - free);
        long elapsed = TimeUnit.NANOSECONDS.toSeconds(now - f.last);
        return Math.max(0, delay - elapsed);
    }

    /** The failures counted under {@code key}, or null when there are none or they are forgotten. */
    private Failures current(String key, long now) {
        Failures f = failures.get(key);
        if (f != null && now - f.last > TimeUnit.MINUTES.toNanos(FORGET_AFTER_MINUTES)) {
            failures.remove(key);
            return null;
        }
        return f;
    }

    synchronized int size() {
        return failures.size();
    }

    static long delaySeconds(int overBudget) {
        return overBudget >= 10 ? MAX_DELAY_SECONDS : Math.min(MAX_DELAY_SECONDS, 1L << overBudget);
    }

    private static String pair(String secret, String address) {
        return secret + "\u0000" + address;
    }

    private static String addressKey(String address) {
        return "address\u0000" + address;
    }
}
