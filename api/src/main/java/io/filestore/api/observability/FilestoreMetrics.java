package io.filestore.api.observability;

import io.filestore.api.admission.UploadAdmissionFilter;
import io.filestore.blob.BlobStore;
import io.filestore.blob.NodeStatus;
import io.filestore.replay.projection.ProjectionStatus;
import io.filestore.replay.projection.Projections;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The service's own meters, next to Spring's ({@code http.server.requests} per endpoint, JVM, Hikari, Tomcat bytes):
 * how far each projection is behind the event store, the upload admission queue, and the storage nodes. Scraped at
 * {@code /actuator/prometheus} (administrators only).
 *
 * <p>Projection status reads the token store and the event store's head, so it is taken at most once a second
 * however many gauges and scrapers ask ({@link Snapshot}). The meters are registered once the application is
 * ready, when Axon has built its processors.
 */
@Component
public class FilestoreMetrics {

    private static final Duration STATUS_MAX_AGE = Duration.ofSeconds(1);

    private final Projections projections;
    private final UploadAdmissionFilter admission;
    private final BlobStore blobs;
    private final Snapshot<List<ProjectionStatus>> status;
    private final Snapshot<List<NodeStatus>> nodes;

    private final MeterRegistry registry;

    public FilestoreMetrics(MeterRegistry registry, Projections projections, UploadAdmissionFilter admission,
                            BlobStore blobs) {
        this.registry = registry;
        this.projections = projections;
        this.admission = admission;
        this.blobs = blobs;
        this.status = new Snapshot<>(projections::status, STATUS_MAX_AGE);
        this.nodes = new Snapshot<>(blobs::nodes, STATUS_MAX_AGE);
    }

    @EventListener(ApplicationReadyEvent.class)
    public void register() {
        for (var processor : projections.all()) {
            String name = processor.getName();
            processorGauge(registry, "filestore.projection.lag", name, "events the projection has not applied yet",
                    s -> Math.max(0, s.head() - Math.max(0, s.position())));
            processorGauge(registry, "filestore.projection.error", name,
                    "1 while a segment of the projection is in an error state (retrying), else 0",
                    s -> s.error() == null ? 0 : 1);
            processorGauge(registry, "filestore.projection.running", name, "1 while the projection runs, else 0",
                    s -> s.running() ? 1 : 0);
        }
        Gauge.builder("filestore.upload.admission.running", admission, UploadAdmissionFilter::running)
                .description("requests streaming file content now").register(registry);
        Gauge.builder("filestore.upload.admission.waiting", admission, UploadAdmissionFilter::waiting)
                .description("requests waiting for an upload slot").register(registry);
        FunctionCounter.builder("filestore.upload.admission.rejected", admission, UploadAdmissionFilter::rejectedCount)
                .description("requests refused with 503 because the admission queue was full or timed out")
                .register(registry);
        for (NodeStatus node : blobs.nodes()) {
            String id = node.path() != null ? node.path().getFileName().toString() : node.name();
            Gauge.builder("filestore.storage.node.up", nodes, n -> node(n.get(), node.id()).map(s -> s.up() ? 1.0 : 0.0)
                            .orElse(0.0))
                    .tag("node", id).description("1 while the storage node is usable, else 0").register(registry);
            Gauge.builder("filestore.storage.node.free", nodes, n -> node(n.get(), node.id())
                            .map(s -> (double) s.usableBytes()).orElse(0.0))
                    .tag("node", id).baseUnit("bytes").description("usable space of the node's file system")
                    .register(registry);
        }
    }

    private void processorGauge(MeterRegistry registry, String meter, String processor, String description,
                                ToDoubleFunction<ProjectionStatus> value) {
        Gauge.builder(meter, status, s -> s.get().stream().filter(p -> p.name().equals(processor)).findFirst()
                        .map(value::applyAsDouble).orElse(Double.NaN))
                .tag("processor", processor).description(description).register(registry);
    }

    private static java.util.Optional<NodeStatus> node(List<NodeStatus> all, String id) {
        return all.stream().filter(n -> n.id().equals(id)).findFirst();
    }

    /** A value computed at most once per {@code maxAge}; NaN-safe callers handle a failed computation. */
    static final class Snapshot<T> {
        private final java.util.function.Supplier<T> source;
        private final long maxAgeNanos;
        private T value;
        private long takenAt;

        Snapshot(java.util.function.Supplier<T> source, Duration maxAge) {
            this.source = source;
            this.maxAgeNanos = maxAge.toNanos();
        }

        synchronized T get() {
            long now = System.nanoTime();
            if (value == null || now - takenAt > maxAgeNanos) {
                value = source.get();
                takenAt = now;
            }
            return value;
        }
    }
}
