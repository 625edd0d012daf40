package io.filestore.api.cdn;

import io.filestore.api.config.FilestoreProperties;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/** Wiring of CDN delivery: signing keys, URL issuing, the open delivery path, and (when configured) purges. */
@Configuration(proxyBeanMethods = false)
public class CdnConfiguration {

    @Bean
    public SigningKeys cdnSigningKeys(CdnProperties properties, FilestoreProperties filestore) {
        return SigningKeys.load(properties.signing(), filestore.dataDir().resolve("cdn"));
    }

    @Bean(initMethod = "installAnswerUrls", destroyMethod = "uninstallAnswerUrls")
    public DeliveryUrls deliveryUrls(CdnProperties properties, SigningKeys keys) {
        CdnProperties.CloudFront cloudFront = properties.cloudfront();
        return new DeliveryUrls(properties, keys, cloudFront.enabled()
                ? CloudFrontSigner.load(cloudFront.keyPairId(), cloudFront.privateKeyLocation()) : null);
    }

    /**
     * Delivery URLs carry their own authorization (the signature): no credentials are read, no session or cookie
     * is made, and no security headers override the response's caching headers.
     */
    @Bean
    @Order(0)
    public SecurityFilterChain cdnDeliveryFilterChain(HttpSecurity http) throws Exception {
        http.securityMatcher("/cdn/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .headers(headers -> headers.cacheControl(cache -> cache.disable()))
                .authorizeHttpRequests(rules -> rules.anyRequest().permitAll());
        return http.build();
    }

    @Bean
    @ConditionalOnExpression("'${filestore.cdn.purge.url:}' != ''")
    public CdnPurger cdnPurger(CdnProperties properties) {
        return new CdnPurger(properties.purge());
    }

    @Bean
    @ConditionalOnExpression("'${filestore.cdn.purge.url:}' != ''")
    public CdnPurgeProcessor cdnPurgeProcessor(CdnPurger purger) {
        return new CdnPurgeProcessor(purger);
    }

    /** The purge processor starts at the head: content delivered before purges were configured is not purged. */
    @Bean
    public ConfigurerModule cdnPurgeProcessorConfiguration() {
        return configurer -> configurer.eventProcessing().registerTrackingEventProcessorConfiguration(
                CdnPurgeProcessor.GROUP, c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                        .andBatchSize(1)
                        .andInitialTrackingToken(StreamableMessageSource::createHeadToken));
    }
}
