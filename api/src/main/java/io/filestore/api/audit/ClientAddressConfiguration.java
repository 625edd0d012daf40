package io.filestore.api.audit;

import io.filestore.query.audit.AuditProjection;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.Map;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Every event caused by a client's request carries the client's address in its metadata
 * ({@value AuditProjection#CLIENT_ADDRESS}), so the audit trail can name it: commands sent while a request is being
 * served get it on dispatch, and Axon copies it from a command to the events its handler applies. The address is the
 * request's remote address (behind a reverse proxy, set {@code server.forward-headers-strategy=native} so that it is
 * the client's, not the proxy's).
 */
@Configuration(proxyBeanMethods = false)
public class ClientAddressConfiguration {

    @Bean
    public CorrelationDataProvider clientAddressCorrelation() {
        return new SimpleCorrelationDataProvider(AuditProjection.CLIENT_ADDRESS);
    }

    /** Declared because declaring a provider of our own replaces Axon's default one. */
    @Bean
    public CorrelationDataProvider messageOriginProvider() {
        return new MessageOriginProvider();
    }

    @Bean
    public SmartInitializingSingleton clientAddressOnCommands(CommandBus commandBus) {
        return () -> commandBus.registerDispatchInterceptor(messages -> (index, command) -> {
            String address = current();
            if (address == null || command.getMetaData().containsKey(AuditProjection.CLIENT_ADDRESS)) {
                return command;
            }
            return command.andMetaData(Map.of(AuditProjection.CLIENT_ADDRESS, address));
        });
    }

    /** The address of the client whose request the current thread serves, null outside a request. */
    public static String current() {
        if (!(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes)) {
            return null;
        }
        HttpServletRequest request = attributes.getRequest();
        String address = request.getRemoteAddr();
        return address == null || address.isEmpty() || address.length() > 64 ? null : address;
    }

    /** Metadata naming the current client's address, empty outside a request. */
    public static Map<String, Object> metadata() {
        return metadata(current());
    }

    /** Metadata naming {@code address}, empty when it is null. */
    public static Map<String, Object> metadata(String address) {
        return address == null ? Collections.emptyMap() : Map.of(AuditProjection.CLIENT_ADDRESS, address);
    }
}
