package io.filestore.query.search;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import io.filestore.query.ProcessorControl;
import io.filestore.query.search.api.RebuildStatus;
import io.filestore.query.search.api.SearchIndexAdministration;
import io.filestore.query.search.api.SearchUnavailableException;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Owns which concrete index the projection writes to and which one the alias serves, and rebuilds without a gap:
 * a reset of the projection (a rebuild, or a replay of every projection after a restore) opens a new index that
 * receives the replay while the alias keeps serving the old one; once the processor has passed the event that was
 * the newest when the rebuild began, the new index is refreshed and the alias moves to it in one atomic step, and
 * the old index is deleted. At start it creates the index and alias when there are none (replaying the events if
 * the store has any) and rebuilds an index whose mapping version is older than {@link FileIndex#MAPPING_VERSION}.
 * Elasticsearch being unreachable never stops the application: the start retries every
 * {@value #RETRY_SECONDS} s and writes fail until it is back (the processor retries them).
 * <p>
 * One application instance manages the index; indices of this prefix that the alias does not serve are deleted at
 * start (they are the remains of an interrupted rebuild, whose replay then continues into the serving index).
 */
@Component
public class SearchIndexManager implements SearchIndexAdministration {

    static final int RETRY_SECONDS = 5;
    static final Duration CHECK_INTERVAL = Duration.ofMillis(500);
    /** How long an on-demand rebuild waits for another processor control sequence (a restore) to finish. */
    static final Duration CONTROL_WAIT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(SearchIndexManager.class);

    private final FileIndex index;
    private final ProjectionReplay replay;
    private final ProcessorControl control;
    private final ScheduledExecutorService scheduler;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean replayStarting = new AtomicBoolean();

    private volatile String writeIndex;
    private volatile String servingIndex;
    private volatile boolean healthy = true;
    private volatile Rebuild rebuild;
    private boolean freshIndexAwaitingReplay;
    /** A replay decided at start that no reset (by this manager, a rebuild or a restore) has done yet. */
    private volatile boolean replayPending;
    private ScheduledFuture<?> monitor;
    private ScheduledFuture<?> initializer;
    private volatile Instant lastCompletedAt;
    private volatile String lastError;

    /** A rebuild in progress: the index receiving the replay and the stream position that completes it. */
    record Rebuild(String target, List<String> previous, long targetPosition, Instant startedAt) {
    }

    public SearchIndexManager(FileIndex index, ProjectionReplay replay, ProcessorControl control) {
        this.index = index;
        this.replay = replay;
        this.control = control;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "search-index");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** At start, prepares the index in the background (and keeps trying while Elasticsearch is unreachable). */
    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        lock.lock();
        try {
            if (initializer == null) {
                initializer = scheduler.scheduleWithFixedDelay(this::initialize, 0, RETRY_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    @PreDestroy
    public void stop() {
        scheduler.shutdownNow();
    }

    private void initialize() {
        try {
            ensureReady();
            ScheduledFuture<?> self = initializer;
            if (self != null) {
                self.cancel(false);
            }
        } catch (IOException | ElasticsearchException e) {
            log.warn("search index not ready yet ({}); retrying in {} s", e.toString(), RETRY_SECONDS);
        } catch (RuntimeException e) {
            log.error("search index initialization failed; retrying in {} s", RETRY_SECONDS, e);
        }
    }

    /** The alias searches read. */
    public String alias() {
        return index.alias();
    }

    /** Where the projection writes: the serving index, or the index being built during a rebuild. */
    String writeIndex() throws IOException {
        ensureReady();
        return writeIndex;
    }

    /**
     * Whether a writer may wait for its change to become searchable: the index is ready, Elasticsearch answered
     * the last request, and no rebuild is running (during one the alias serves the old index).
     */
    boolean steady() {
        return writeIndex != null && healthy && rebuild == null;
    }

    /**
     * {@link #steady()}, after preparing the index if the service has just started and has not done so yet (a
     * writer's first change should be searchable too); false when Elasticsearch cannot be reached for that. Once
     * it was found unreachable, writers leave the retrying to the background start.
     */
    boolean steadyOnceReady() {
        if (writeIndex == null && healthy) {
            try {
                ensureReady();
            } catch (IOException | ElasticsearchException e) {
                return false;
            }
        }
        return steady();
    }

    void healthy(boolean up) {
        healthy = up;
    }

    /** Writes a batch of file states (see {@link FileIndex#write}). */
    Map<String, String> write(Collection<FileState> states) throws IOException {
        try {
            Map<String, String> refused = index.write(writeIndex(), states);
            healthy = true;
            return refused;
        } catch (IOException e) {
            healthy = false;
            throw e;
        } catch (ElasticsearchException e) {
            healthy = e.status() < 500;
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Makes sure the alias and an index exist; idempotent and cheap once done. */
    void ensureReady() throws IOException {
        if (writeIndex != null) {
            return;
        }
        lock.lock();
        try {
            if (writeIndex != null) {
                return;
            }
            List<String> targets = new ArrayList<>(index.aliasTargets());
            Map<String, Integer> all = index.indices();
            boolean replayNeeded;
            if (targets.isEmpty()) {
                String created = index.create(false);
                index.addAlias(created);
                targets = List.of(created);
                replayNeeded = replay.headPosition() >= 0 && replay.processedAny();
                freshIndexAwaitingReplay = replayNeeded;
                log.info("search: created index {} behind alias {}{}", created, index.alias(),
                        replayNeeded ? "; replaying the event store into it" : "");
            } else {
                if (targets.size() > 1) {
                    String newest = targets.get(targets.size() - 1);
                    index.swapAlias(targets.subList(0, targets.size() - 1), newest);
                    targets = List.of(newest);
                }
                int version = all.getOrDefault(targets.get(0), index.mappingVersion(targets.get(0)));
                replayNeeded = version < FileIndex.MAPPING_VERSION;
                if (replayNeeded) {
                    log.info("search: index {} has mapping version {}, current is {}; rebuilding it by replay",
                            targets.get(0), version, FileIndex.MAPPING_VERSION);
                }
            }
            for (String stray : all.keySet()) {
                if (!targets.contains(stray)) {
                    log.info("search: deleting index {}, which the alias does not serve", stray);
                    index.delete(stray);
                }
            }
            servingIndex = targets.get(0);
            writeIndex = servingIndex;
            healthy = true;
            if (monitor == null) {
                monitor = scheduler.scheduleWithFixedDelay(this::checkRebuild, CHECK_INTERVAL.toMillis(),
                        CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (replayNeeded) {
                replayPending = true;
                scheduler.execute(this::replayQuietly);
            }
        } catch (IOException e) {
            healthy = false;
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The projection is being reset: open a new index for the replay (or, right after creating an empty index for
     * a store that has events, replay into that one).
     */
    void prepareReplay() {
        lock.lock();
        try {
            ensureReady();
            replayPending = false;
            if (freshIndexAwaitingReplay) {
                freshIndexAwaitingReplay = false;
                return;
            }
            Rebuild running = rebuild;
            if (running != null) {
                index.delete(running.target());
            }
            String target = index.create(true);
            List<String> previous = running != null ? running.previous() : List.of(servingIndex);
            rebuild = new Rebuild(target, previous, replay.headPosition(), Instant.now());
            writeIndex = target;
            lastError = null;
            log.info("search: rebuilding into index {} up to event position {}; alias {} keeps serving {}",
                    target, rebuild.targetPosition(), index.alias(), previous);
        } catch (IOException | ElasticsearchException e) {
            healthy = false;
            throw new SearchUnavailableException("cannot open a new search index: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Completes a running rebuild once the replay has passed its target position. */
    void checkRebuild() {
        Rebuild running = rebuild;
        if (running == null) {
            return;
        }
        OptionalLong position;
        try {
            position = replay.lowestPosition();
        } catch (RuntimeException e) {
            return; // the processor is restarting
        }
        if (position.isEmpty() || position.getAsLong() < running.targetPosition()) {
            return;
        }
        lock.lock();
        try {
            if (rebuild != running) {
                return;
            }
            index.finishBuilding(running.target());
            index.swapAlias(running.previous(), running.target());
            servingIndex = running.target();
            for (String old : running.previous()) {
                try {
                    index.delete(old);
                } catch (IOException | ElasticsearchException e) {
                    log.warn("search: could not delete the old index {} ({}); the next start removes it", old,
                            e.toString());
                }
            }
            Instant now = Instant.now();
            log.info("search: rebuild complete in {} s; alias {} now serves {}",
                    Duration.between(running.startedAt(), now).toSeconds(), index.alias(), running.target());
            lastCompletedAt = now;
            rebuild = null;
        } catch (IOException | ElasticsearchException e) {
            lastError = e.toString();
            log.warn("search: could not complete the rebuild yet: {}", e.toString());
        } catch (RuntimeException e) {
            lastError = e.toString(); // never let the periodic check die
            log.error("search: could not complete the rebuild", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public RebuildStatus rebuild() {
        if (rebuild == null) {
            try {
                ensureReady();
            } catch (IOException | ElasticsearchException e) {
                throw new SearchUnavailableException("search index unreachable: " + e.getMessage(), e);
            }
            if (replayStarting.compareAndSet(false, true)) {
                try {
                    if (!control.tryExclusively(CONTROL_WAIT, replay::replay)) {
                        throw new SearchUnavailableException("another projection operation (a restore or a "
                                + "rebuild) is stopping the event processors; try again when it is done", null);
                    }
                } finally {
                    replayStarting.set(false);
                }
            }
        }
        return status();
    }

    @Override
    public RebuildStatus status() {
        Rebuild running = rebuild;
        Long position = null;
        if (running != null) {
            try {
                OptionalLong lowest = replay.lowestPosition();
                position = lowest.isPresent() ? lowest.getAsLong() : null;
            } catch (RuntimeException e) {
                position = null;
            }
        }
        return new RebuildStatus(running != null, index.alias(), servingIndex,
                running == null ? null : running.target(), FileIndex.MAPPING_VERSION, position,
                running == null ? null : running.targetPosition(), running == null ? null : running.startedAt(),
                lastCompletedAt, lastError);
    }

    /**
     * The replay decided at start. It waits its turn behind a restore or a projection rebuild, and is dropped when
     * one of those has reset the projection in the meantime (the reset already replays into a current index).
     */
    private void replayQuietly() {
        if (!replayPending || !replayStarting.compareAndSet(false, true)) {
            return;
        }
        try {
            if (!control.tryExclusively(Duration.ZERO, () -> {
                if (replayPending) {
                    replay.replay();
                }
            })) {
                log.info("search: another projection operation is running; the replay waits for it");
                scheduler.schedule(this::replayQuietly, 1, TimeUnit.SECONDS);
            }
        } catch (RuntimeException e) {
            lastError = e.toString();
            log.warn("search: could not start the replay of the search projection ({}); retrying in {} s",
                    e.toString(), RETRY_SECONDS);
            scheduler.schedule(this::replayQuietly, RETRY_SECONDS, TimeUnit.SECONDS);
        } finally {
            replayStarting.set(false);
        }
    }
}
