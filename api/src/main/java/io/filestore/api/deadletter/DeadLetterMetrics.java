package io.filestore.api.deadletter;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Gauge {@value #NAME}, one per processor (tag {@code processor}): the number of events parked in its dead-letter
 * queue. Read at most once a second from the database, whatever the scrape rate. Registered once the application
 * is ready, when Axon's processors exist.
 */
@Component
class DeadLetterMetrics {

    static final String NAME = "filestore.dead.letters";

    private final DeadLetters deadLetters;
    private final MeterRegistry registry;

    DeadLetterMetrics(DeadLetters deadLetters, MeterRegistry registry) {
        this.deadLetters = deadLetters;
        this.registry = registry;
    }

    @EventListener(ApplicationReadyEvent.class)
    void register() {
        for (String processor : deadLetters.processors()) {
            Gauge.builder(NAME, deadLetters, d -> d.recentCounts().getOrDefault(processor, 0L))
                    .tag("processor", processor)
                    .description("events parked in the processor's dead-letter queue")
                    .register(registry);
        }
    }
}
