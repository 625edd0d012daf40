package io.filestore.api.web;

import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Puts {@link ProblemErrorReportValve} in place of Tomcat's HTML error report valve once the server has started
 * (the host adds its default valve when it starts, and Spring Boot may add one of its own before that).
 */
@Configuration(proxyBeanMethods = false)
class TomcatErrorConfiguration {

    @Bean
    ApplicationListener<WebServerInitializedEvent> problemErrorReports(JsonMapper json) {
        return event -> {
            if (event.getWebServer() instanceof TomcatWebServer tomcat) {
                install(tomcat.getTomcat().getHost(), json);
            }
        };
    }

    static void install(Host host, JsonMapper json) {
        for (Valve valve : host.getPipeline().getValves()) {
            if (valve instanceof ProblemErrorReportValve) {
                return;
            }
        }
        for (Valve valve : host.getPipeline().getValves()) {
            if (valve instanceof ErrorReportValve) {
                host.getPipeline().removeValve(valve);
            }
        }
        host.getPipeline().addValve(new ProblemErrorReportValve(json));
    }
}
