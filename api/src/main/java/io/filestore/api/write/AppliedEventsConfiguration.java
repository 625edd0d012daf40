package io.filestore.api.write;

import io.filestore.api.cluster.AppliedBroadcaster;
import io.filestore.query.AppliedEvents;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Lets every view signal what it applied: each processor gets an interceptor that, once the processor's
 * transaction committed, tells the view's {@link AppliedEvents} the aggregate and sequence of every event it
 * handled or parked, and queues the same for the other instances sharing the database
 * ({@link AppliedBroadcaster}), whose writers may be waiting for a segment this instance processes (not during a
 * replay: no writer waits for replayed events, and a rebuild would only fill the queue).
 */
@Configuration(proxyBeanMethods = false)
public class AppliedEventsConfiguration {

    @Bean
    public ConfigurerModule appliedEventSignals(ConfigurableListableBeanFactory beans,
                                                ObjectProvider<AppliedEvents> views,
                                                ObjectProvider<AppliedBroadcaster> broadcaster) {
        return configurer -> {
            for (String group : processingGroups(beans)) {
                configurer.eventProcessing().registerHandlerInterceptor(group,
                        configuration -> signalling(group, views, broadcaster));
            }
        };
    }

    private static MessageHandlerInterceptor<EventMessage<?>> signalling(String group,
                                                                         ObjectProvider<AppliedEvents> views,
                                                                         ObjectProvider<AppliedBroadcaster> broadcaster) {
        AppliedEvents[] view = new AppliedEvents[1];
        AppliedBroadcaster[] sender = new AppliedBroadcaster[1];
        return (unitOfWork, chain) -> {
            Object result = chain.proceed();
            if (unitOfWork.getMessage() instanceof DomainEventMessage<?> event) {
                if (view[0] == null) {
                    view[0] = views.orderedStream().filter(v -> v.processingGroup().equals(group)).findFirst()
                            .orElse(null);
                }
                AppliedEvents target = view[0];
                if (target != null) {
                    String aggregateId = event.getAggregateIdentifier();
                    long sequence = event.getSequenceNumber();
                    if (sender[0] == null) {
                        sender[0] = broadcaster.getIfAvailable();
                    }
                    // a replayed event is no writer's: only the events after the replay's start are announced
                    AppliedBroadcaster others = org.axonframework.eventhandling.ReplayToken.isReplay(event)
                            ? null : sender[0];
                    unitOfWork.afterCommit(u -> {
                        target.applied(aggregateId, sequence);
                        if (others != null) {
                            others.applied(group, aggregateId, sequence);
                        }
                    });
                }
            }
            return result;
        };
    }

    /** The processing groups of the {@code @ProcessingGroup} beans, read without creating them. */
    private static List<String> processingGroups(ConfigurableListableBeanFactory beans) {
        List<String> groups = new ArrayList<>();
        for (String name : beans.getBeanNamesForAnnotation(ProcessingGroup.class)) {
            ProcessingGroup group = beans.findAnnotationOnBean(name, ProcessingGroup.class, false);
            if (group != null && !groups.contains(group.value())) {
                groups.add(group.value());
            }
        }
        return groups;
    }
}
