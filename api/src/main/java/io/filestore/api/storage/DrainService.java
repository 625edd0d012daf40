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
 * Runs drains of nodes on one background thread. A node's draining state is a marker in its directory, so a drain
 * interrupted by a restart is started again when the application is ready (a drain pass is idempotent: copies made
 * before are found, not made twice).
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

    public DrainService(BlobStore blobs) {
        this.blobs = blobs;
    }

    @EventListener(ApplicationReadyEvent.class)
    void resume() {
        for (NodeStatus node : blobs.nodes()) {
            if (node.state().equals("draining")) {
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
                    results.put(node, blobs.drain(node));
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
