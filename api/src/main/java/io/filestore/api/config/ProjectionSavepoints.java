package io.filestore.api.config;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.annotation.HandlerEnhancerDefinition;
import org.axonframework.messaging.annotation.MessageHandlingMember;
import org.axonframework.messaging.annotation.WrappedMessageHandlingMember;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs each event handler of a projection (a class with {@code @ProcessingGroup}) inside a savepoint of the
 * processor's transaction, when one is active. PostgreSQL aborts a whole transaction at the first failed statement;
 * with the savepoint rolled back, the failed handler's writes are undone and the same transaction can still park
 * the event in the dead-letter queue, apply the rest of the batch and commit the processor's token.
 */
public class ProjectionSavepoints implements HandlerEnhancerDefinition {

    private static final TransactionDefinition NESTED =
            new DefaultTransactionDefinition(TransactionDefinition.PROPAGATION_NESTED);

    private final ObjectProvider<PlatformTransactionManager> transactions;

    public ProjectionSavepoints(ObjectProvider<PlatformTransactionManager> transactions) {
        this.transactions = transactions;
    }

    @Override
    public <T> MessageHandlingMember<T> wrapHandler(MessageHandlingMember<T> original) {
        if (!original.canHandleMessageType(EventMessage.class)
                || !original.declaringClass().isAnnotationPresent(ProcessingGroup.class)) {
            return original;
        }
        return new WrappedMessageHandlingMember<>(original) {
            @Override
            public Object handle(Message<?> message, T target) throws Exception {
                if (!TransactionSynchronizationManager.isActualTransactionActive()) {
                    return super.handle(message, target);
                }
                PlatformTransactionManager manager = transactions.getObject();
                TransactionStatus savepoint = manager.getTransaction(NESTED);
                Object result;
                try {
                    result = super.handle(message, target);
                } catch (Exception | Error e) {
                    manager.rollback(savepoint);
                    throw e;
                }
                manager.commit(savepoint);
                return result;
            }
        };
    }
}
