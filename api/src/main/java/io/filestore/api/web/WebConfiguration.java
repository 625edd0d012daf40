package io.filestore.api.web;

import java.util.List;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/** Registers the caller seam, the unknown-query-parameter check and the 405 guard of fixed paths with Spring MVC. */
@Configuration(proxyBeanMethods = false)
public class WebConfiguration implements WebMvcConfigurer {

    private final CallerArgumentResolver callerArgumentResolver;

    private final RequestMappingHandlerMapping mappings;

    public WebConfiguration(CallerArgumentResolver callerArgumentResolver,
                            @Lazy @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mappings) {
        this.callerArgumentResolver = callerArgumentResolver;
        this.mappings = mappings;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new KnownPathMethods(mappings));
        registry.addInterceptor(new UnknownQueryParameters());
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(callerArgumentResolver);
    }
}
