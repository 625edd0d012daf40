package io.filestore.query.search;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import io.filestore.query.ProcessorControl;
import io.filestore.query.StoreIdentity;
import io.filestore.query.TestPause;
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
import org.springframework.beans.factory.annotation.Autowired;
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
 * Crash safety: every index records in its mapping's {@code _meta} the id of the event store it was built from
 * ({@link StoreIdentity}) and, until its replay has passed its target, that it is still being built. At start an
 * index of another store is deleted at once (never served) and a new one is filled from this store; an index still
 * marked as being built (a rebuild or fill interrupted by a crash) is deleted, or, when the alias serves it, kept
 * serving, and the projection is replayed into a new index. {@link #incompleteBecause()} tells health checks while
 * searches may answer incompletely. Other indices of this prefix that the alias does not serve are deleted at start.
 * <p>
 * Several instances may share the database and Elasticsearch: the steps that change which indices exist or which one
 * the alias serves (the preparation at start, opening a rebuild's index, the swap) run on one instance at a time
 * ({@link IndexLifecycleLock}), so instances starting together end with one index behind one alias, and a start
 * leaves alone an index another live instance is still building. A rebuild itself resets the search processor, which
 * needs the other instances stopped (the callers refuse it while they run).
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
    /** A new index the alias already serves, filled in place by a replay up to the position of the fill. */
    private volatile Fill fill;
    private final StoreIdentity store;
    private final IndexLifecycleLock cluster;
    private volatile boolean freshIndexAwaitingReplay;
    /** A replay decided at start that no reset (by this manager, a rebuild or a restore) has done yet. */
    private volatile boolean replayPending;
    private ScheduledFuture<?> monitor;
    private ScheduledFuture<?> initializer;
    private volatile Instant lastCompletedAt;
    private volatile String lastError;

    /** A rebuild in progress: the index receiving the replay and the stream position that completes it. */
    record Rebuild(String target, List<String> previous, long targetPosition, Instant startedAt) {
    }

    /** An index the alias serves while a replay fills it: complete once the replay passes {@code targetPosition}. */
    record Fill(String index, long targetPosition) {
    }

    /** For tests: every index belongs to one fixed store. */
    SearchIndexManager(FileIndex index, ProjectionReplay replay, ProcessorControl control) {
        this(index, replay, control, () -> "unidentified-store", IndexLifecycleLock.local());
    }

    @Autowired
    public SearchIndexManager(FileIndex index, ProjectionReplay replay, ProcessorControl control,
                              StoreIdentity store, IndexLifecycleLock cluster) {
        this.store = store;
        this.cluster = cluster;
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
        // What the event store says is read before taking the lock, never under it: a restore holds the event
        // store's tables locked and, in the same transaction, resets this projection, whose prepareReplay takes
        // the lock; the background start reading the event store under the lock would wait for the restore while
        // the restore waits for it.
        String storeId = store.id();
        boolean storeHasProcessedEvents = replay.headPosition() >= 0 && replay.processedAny();
        lock.lock();
        try {
            if (writeIndex != null) {
                return;
            }
            cluster.exclusively(() -> {
                prepare(storeId, storeHasProcessedEvents);
                return null;
            });
        } catch (IOException e) {
            healthy = false;
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /** The body of {@link #ensureReady()}: under the local lock and the instances' lifecycle lock. */
    private void prepare(String storeId, boolean storeHasProcessedEvents) throws IOException {
        boolean buildingElsewhere = cluster.buildingElsewhere();
        List<String> targets = new ArrayList<>(index.aliasTargets());
        Map<String, FileIndex.IndexMeta> all = new java.util.TreeMap<>(index.describe());
        boolean replayNeeded = false;
        if (targets.size() > 1) {
            String newest = targets.get(targets.size() - 1);
            index.swapAlias(targets.subList(0, targets.size() - 1), newest);
            targets = List.of(newest);
        }
        if (!targets.isEmpty()) {
            String serving = targets.get(0);
            FileIndex.IndexMeta meta = all.containsKey(serving) ? all.get(serving) : index.meta(serving);
            if (!storeId.equals(meta.storeId())) {
                log.warn("search: index {} was built from another event store ({}), not from this one ({}); "
                        + "deleting it", serving, meta.storeId(), storeId);
                index.delete(serving);
                all.remove(serving);
                targets = List.of();
            } else if (meta.mappingVersion() < FileIndex.MAPPING_VERSION) {
                replayNeeded = true;
                log.info("search: index {} has mapping version {}, current is {}; rebuilding it by replay",
                        serving, meta.mappingVersion(), FileIndex.MAPPING_VERSION);
            } else if (meta.building() && buildingElsewhere) {
                log.info("search: index {} is being filled by another instance", serving);
            } else if (meta.building()) {
                replayNeeded = true;
                log.warn("search: index {} is still marked as being built (its replay was interrupted); "
                        + "rebuilding it by replay while it serves", serving);
            }
        }
        if (targets.isEmpty()) {
            boolean fillNeeded = storeHasProcessedEvents;
            String created = index.create(fillNeeded, true, storeId);
            index.addAlias(created);
            targets = List.of(created);
            freshIndexAwaitingReplay = fillNeeded;
            replayNeeded = fillNeeded;
            cluster.building(fillNeeded);
            log.info("search: created index {} behind alias {}{}", created, index.alias(),
                    fillNeeded ? "; replaying the event store into it" : "");
        }
        for (Map.Entry<String, FileIndex.IndexMeta> stray : all.entrySet()) {
            if (targets.contains(stray.getKey())) {
                continue;
            }
            if (buildingElsewhere) {
                log.info("search: leaving index {} alone: another instance is building an index",
                        stray.getKey());
                continue;
            }
            if (stray.getValue().building() && storeId.equals(stray.getValue().storeId())) {
                log.warn("search: deleting index {}, the remains of a rebuild interrupted before its alias swap;"
                        + " the projection is replayed into a new index", stray.getKey());
                replayNeeded = true;
            } else {
                log.info("search: deleting index {}, which the alias does not serve", stray.getKey());
            }
            index.delete(stray.getKey());
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
    }

    /**
     * The projection is being reset: open a new index for the replay (or, right after creating an empty index for
     * a store that has events, replay into that one).
     */
    void prepareReplay() {
        lock.lock();
        try {
            ensureReady();
            cluster.exclusively(() -> {
                openReplayIndex();
                return null;
            });
        } catch (IOException | ElasticsearchException e) {
            healthy = false;
            throw new SearchUnavailableException("cannot open a new search index: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** The body of {@link #prepareReplay()}: under the local lock and the instances' lifecycle lock. */
    private void openReplayIndex() throws IOException {
        // each flag is cleared only once the state replacing it is set: incompleteBecause() never sees a gap
        if (freshIndexAwaitingReplay) {
            fill = new Fill(writeIndex, replay.headPosition());
            freshIndexAwaitingReplay = false;
            replayPending = false;
            return;
        }
        Rebuild running = rebuild;
        if (running != null) {
            index.delete(running.target());
        }
        String target = index.create(true, store.id());
        List<String> previous = running != null ? running.previous() : List.of(servingIndex);
        rebuild = new Rebuild(target, previous, replay.headPosition(), Instant.now());
        writeIndex = target;
        fill = null;
        replayPending = false;
        lastError = null;
        cluster.building(true);
        log.info("search: rebuilding into index {} up to event position {}; alias {} keeps serving {}",
                target, rebuild.targetPosition(), index.alias(), previous);
    }

    /** Completes a running rebuild or fill once the replay has passed its target position. */
    void checkRebuild() {
        Rebuild running = rebuild;
        Fill filling = fill;
        if (running == null && filling == null) {
            return;
        }
        OptionalLong position;
        try {
            position = replay.lowestPosition();
        } catch (RuntimeException e) {
            return; // the processor is restarting
        }
        if (position.isEmpty()) {
            return;
        }
        if (running == null) {
            completeFill(filling, position.getAsLong());
            return;
        }
        if (position.getAsLong() < running.targetPosition()) {
            return;
        }
        TestPause.at("search.swap");
        lock.lock();
        try {
            if (rebuild != running) {
                return;
            }
            cluster.exclusively(() -> {
                swap(running);
                return null;
            });
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

    /** Moves the alias to a rebuilt index: under the local lock and the instances' lifecycle lock. */
    private void swap(Rebuild running) throws IOException {
        index.finishBuilding(running.target());
        index.swapAlias(running.previous(), running.target());
        index.markBuilt(running.target(), store.id());
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
        cluster.building(false);
    }

    private void completeFill(Fill filling, long position) {
        if (position < filling.targetPosition()) {
            return;
        }
        lock.lock();
        try {
            if (fill != filling) {
                return;
            }
            index.markBuilt(filling.index(), store.id());
            fill = null;
            cluster.building(false);
            log.info("search: index {} is filled up to event position {}", filling.index(), filling.targetPosition());
        } catch (IOException | ElasticsearchException e) {
            lastError = e.toString();
            log.warn("search: could not mark index {} as filled yet: {}", filling.index(), e.toString());
        } catch (RuntimeException e) {
            lastError = e.toString();
            log.error("search: could not mark index {} as filled", filling.index(), e);
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

    @Override
    public String incompleteBecause() {
        if (writeIndex == null) {
            return "the search index is not ready yet";
        }
        if (rebuild != null) {
            return "the search index is being rebuilt: searches read the previous index and miss changes made since";
        }
        if (fill != null || freshIndexAwaitingReplay) {
            return "the search index is being filled from the event store: searches miss files until it is done";
        }
        if (replayPending) {
            return "a rebuild of the search index is about to start: searches may answer from an incomplete index";
        }
        return null;
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
