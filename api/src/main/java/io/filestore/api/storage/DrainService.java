package io.filestore.api.storage;

import io.filestore.blob.BlobStore;
import io.filestore.blob.BlobStoreException;
import io.filestore.blob.DrainResult;
import io.filestore.blob.NodeStatus;
import jakarta.annotation.PreDestroy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Runs drains of nodes on one background thread, on one instance at a time (a PostgreSQL advisory lock,
 * {@link SingletonJobs}). A node's draining state is a marker in its directory, so a drain interrupted by a restart
 * is started again when the application is ready, and every minute a draining node with no finished pass here yet (its
 * drain was left to another instance that held the lock) is tried again (a drain pass is idempotent: copies made before are found,
 * not made twice).
 */
@Component
public class DrainService {

    private static final Logger log = LoggerFactory.getLogger(DrainService.class);

    private final BlobStore blobs;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final Map<String, DrainResult> results = new ConcurrentHashMap<>();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "blob-drain");
        thread.setDaemon(true);
        return thread;
    });

    private final SingletonJobs jobs;

    public DrainService(BlobStore blobs, SingletonJobs jobs) {
        this.blobs = blobs;
        this.jobs = jobs;
    }

    /** Drains of draining nodes not running here (interrupted, or left to another instance that stopped) resume. */
    @org.springframework.scheduling.annotation.Scheduled(initialDelay = 60_000, fixedDelay = 60_000)
    void retry() {
        resume();
    }

    @EventListener(ApplicationReadyEvent.class)
    void resume() {
        for (NodeStatus node : blobs.nodes()) {
            if (node.state().equals("draining") && !queued.contains(node.name()) && !results.containsKey(node.name())) {
                log.info("Resuming the drain of node {}", node.name());
                start(node.name());
            }
        }
    }

    /** Marks the node draining and queues a drain pass (unless one is queued or running). */
    public void drain(String node) {
        blobs.setState(node, false, true);
        start(node);
    }

    private void start(String node) {
        if (!queued.add(node)) {
            return;
        }
        try {
            runner.execute(() -> {
                try {
                    java.util.Optional<SingletonJobs.Held> lock = jobs.tryLock(SingletonJobs.Job.DRAIN);
                    if (lock.isEmpty()) {
                        return; // another instance drains now; retried every minute
                    }
                    try (SingletonJobs.Held held = lock.get()) {
                        // TEST-ONLY pause point (off unless FILESTORE_TEST_PAUSE_AT is set): a kill -9 mid-drain
                        results.put(node, blobs.drain(node, id -> io.filestore.query.TestPause.at("storage.drain")));
                    }
                } catch (BlobStoreException e) {
                    log.warn("Drain of node {} stopped: {}", node, e.getMessage());
                } finally {
                    queued.remove(node);
                }
            });
        } catch (RejectedExecutionException e) {
            queued.remove(node);
        }
    }

    public boolean running(String node) {
        return queued.contains(node);
    }

    /** The last finished drain pass of the node since the start, or null. */
    public DrainResult lastResult(String node) {
        return results.get(node);
    }

    /** Forgets the result of a node set back to up or read-only. */
    public void forget(String node) {
        results.remove(node);
    }

    @PreDestroy
    void stop() throws InterruptedException {
        runner.shutdownNow();
        runner.awaitTermination(10, TimeUnit.SECONDS);
    }
}
