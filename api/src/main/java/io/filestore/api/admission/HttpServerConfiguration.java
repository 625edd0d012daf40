package io.filestore.api.admission;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Tomcat connector tuning from {@code filestore.http.*}. */
@Configuration(proxyBeanMethods = false)
public class HttpServerConfiguration {

    @Bean
    TomcatConnectorCustomizer socketBuffers(AdmissionProperties.HttpProperties http) {
        return connector -> {
            connector.setProperty("socket.appReadBufSize", String.valueOf(http.socketReadBuffer().toBytes()));
            connector.setProperty("socket.appWriteBufSize", String.valueOf(http.socketWriteBuffer().toBytes()));
            // "100 Continue" only when the application starts reading the body, i.e. after authentication and
            // the size check: a request they refuse gets its 401/413 without being invited to send the body.
            connector.setProperty("continueResponseTiming", "onRead");
        };
    }
}
