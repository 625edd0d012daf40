package io.filestore.api.storage;

import io.filestore.api.download.DownloadResponder;
import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Cuts off a response the download code marked with {@link DownloadResponder#ABORT_ATTRIBUTE}: Tomcat closes the
 * connection at once, so a body that is shorter than its Content-Length stays visibly broken (nothing else, such as
 * an error page, is written after it, and the connection is not reused).
 */
@Configuration(proxyBeanMethods = false)
public class AbortedDownloadConfiguration {

    @Bean
    TomcatContextCustomizer abortedDownloads() {
        return context -> context.getPipeline().addValve(new AbortValve());
    }

    static final class AbortValve extends ValveBase {

        AbortValve() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            getNext().invoke(request, response);
            if (request.getAttribute(DownloadResponder.ABORT_ATTRIBUTE) != null) {
                response.getCoyoteResponse().action(ActionCode.CLOSE_NOW, null);
            }
        }
    }
}
