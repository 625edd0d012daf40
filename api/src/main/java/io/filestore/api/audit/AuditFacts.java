package io.filestore.api.audit;

import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.GenericMessage;
import org.springframework.stereotype.Component;

/**
 * Records a fact that belongs to no aggregate (a backup started or deleted) in the event store, with the client's
 * address, for the audit trail. The event is appended before the answer is sent.
 */
@Component
public class AuditFacts {

    private final EventBus eventBus;

    public AuditFacts(EventBus eventBus) {
        this.eventBus = eventBus;
    }

    public void record(Object event) {
        eventBus.publish(new GenericEventMessage<>(new GenericMessage<>(event, ClientAddressConfiguration.metadata()),
                java.time.Instant::now));
    }
}
