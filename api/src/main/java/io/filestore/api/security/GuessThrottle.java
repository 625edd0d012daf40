package io.filestore.api.security;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
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
 * after its last failure.
 *
 * <p>The counts live in PostgreSQL ({@link PostgresGuessCounts}), so that every instance behind a load balancer
 * throttles the same guesser the same way; forgotten counts are deleted every
 * {@code filestore.security.password-guesses.cleanup-interval} (default 10 min). When the database cannot be reached,
 * this instance counts in its own memory instead ({@link MemoryGuessCounts}, at most {@value #MAX_KEYS} counts, the
 * least recently used dropped) and logs that it does: guessing stays throttled (per instance) and nobody is locked
 * out by the outage. After a failure the database is asked again only after {@value #RETRY_SHARED_SECONDS} s, so
 * that logins do not each wait for a connection timeout during an outage; once it answers, its counts are used again.
 */
@Component
public class GuessThrottle {

    static final int FREE_PER_PAIR = 5;
    static final int FREE_PER_ADDRESS = 50;
    static final long MAX_DELAY_SECONDS = 900;
    static final long FORGET_AFTER_MINUTES = 60;
    static final int MAX_KEYS = 100_000;
    static final long RETRY_SHARED_SECONDS = 10;

    private static final Logger log = LoggerFactory.getLogger(GuessThrottle.class);
    private static final long FORGET_AFTER_MILLIS = TimeUnit.MINUTES.toMillis(FORGET_AFTER_MINUTES);

    private final LongSupplier clock;
    private final int freePerPair;
    private final int freePerAddress;
    private final GuessCounts shared;
    private final MemoryGuessCounts memory = new MemoryGuessCounts(MAX_KEYS);
    private final AtomicBoolean degraded = new AtomicBoolean();
    /** While {@link System#nanoTime()} is before this, the database is not asked (it failed just now). */
    private volatile long sharedRetryAt = System.nanoTime();

    @Autowired
    public GuessThrottle(DataSource dataSource,
                         @Value("${filestore.security.password-guesses.free-per-pair:5}") int freePerPair,
                         @Value("${filestore.security.password-guesses.free-per-address:50}") int freePerAddress) {
        this(System::currentTimeMillis, new PostgresGuessCounts(dataSource), freePerPair, freePerAddress);
    }

    /**
     * @param clock  the wall clock in epoch milliseconds
     * @param shared the counts all instances see, or null to count in memory only
     */
    GuessThrottle(LongSupplier clock, GuessCounts shared, int freePerPair, int freePerAddress) {
        if (freePerPair < 1 || freePerAddress < 1) {
            throw new IllegalArgumentException("password guess budgets must be at least 1");
        }
        this.clock = clock;
        this.shared = shared;
        this.freePerPair = freePerPair;
        this.freePerAddress = freePerAddress;
    }

    /** Seconds the client must wait before it may try a password for {@code secret} again, 0 when it may now. */
    public long retryAfter(String secret, String address) {
        long now = clock.getAsLong();
        String pair = pair(secret, address);
        String addressKey = addressKey(address);
        Map<String, GuessCounts.Failures> counts;
        try {
            counts = !useShared() ? memory.current(List.of(pair, addressKey), now - FORGET_AFTER_MILLIS)
                    : reachable(shared.current(List.of(pair, addressKey), now - FORGET_AFTER_MILLIS));
        } catch (GuessCounts.GuessCountsUnavailableException e) {
            unreachable(e);
            counts = memory.current(List.of(pair, addressKey), now - FORGET_AFTER_MILLIS);
        }
        return Math.max(wait(counts.get(pair), freePerPair, now), wait(counts.get(addressKey), freePerAddress, now));
    }

    /** A wrong password for {@code secret} from {@code address}. */
    public void failed(String secret, String address) {
        long now = clock.getAsLong();
        List<String> keys = List.of(pair(secret, address), addressKey(address));
        if (useShared()) {
            try {
                shared.failed(keys, now, now - FORGET_AFTER_MILLIS);
                reachable(null);
                return;
            } catch (GuessCounts.GuessCountsUnavailableException e) {
                unreachable(e);
            }
        }
        memory.failed(keys, now, now - FORGET_AFTER_MILLIS);
    }

    /** The right password: the pair starts afresh (the address's count stays, it spans every secret). */
    public void succeeded(String secret, String address) {
        String pair = pair(secret, address);
        memory.clear(pair);
        if (useShared()) {
            try {
                shared.clear(pair);
            } catch (GuessCounts.GuessCountsUnavailableException e) {
                unreachable(e);
            }
        }
    }

    /** Deletes the counts forgotten by now (they are ignored already; this bounds the table). */
    @Scheduled(initialDelayString = "${filestore.security.password-guesses.cleanup-interval:10m}",
            fixedDelayString = "${filestore.security.password-guesses.cleanup-interval:10m}")
    public void forgetOld() {
        long forgetBefore = clock.getAsLong() - FORGET_AFTER_MILLIS;
        memory.forget(forgetBefore);
        if (shared != null) {
            try {
                int removed = shared.forget(forgetBefore);
                log.debug("Deleted {} forgotten password-guess counts", removed);
            } catch (GuessCounts.GuessCountsUnavailableException e) {
                unreachable(e);
            }
        }
    }

    int memorySize() {
        return memory.size();
    }

    private boolean useShared() {
        return shared != null && System.nanoTime() - sharedRetryAt >= 0;
    }

    private <T> T reachable(T value) {
        if (degraded.compareAndSet(true, false)) {
            log.info("Password-guess counts are shared through the database again");
        }
        return value;
    }

    private void unreachable(RuntimeException e) {
        sharedRetryAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(RETRY_SHARED_SECONDS);
        if (degraded.compareAndSet(false, true)) {
            log.warn("Password-guess counts cannot be reached in the database ({}); this instance throttles with "
                    + "its own in-memory counts until it can", e.getMessage());
        }
    }

    private static long wait(GuessCounts.Failures f, int free, long now) {
        if (f == null || f.count() < free) {
            return 0;
        }
        long delay = delaySeconds(f.count() - free);
        long elapsed = TimeUnit.MILLISECONDS.toSeconds(Math.max(0, now - f.last()));
        return Math.max(0, delay - elapsed);
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
