package io.filestore.api.security;

import io.filestore.api.web.ProblemResponses;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * Who may call what: health and public share links are open; every other endpoint needs an authenticated caller
 * (401 otherwise); administration needs a system administrator (403 otherwise). Per-file permissions are decided
 * by the aggregate (changes) and the views (reads). Stateless: no session, no cookie, so no CSRF exposure.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    /**
     * No Micrometer observation around each security filter, authentication and authorization: with an observation
     * registry present, Spring Security wraps every filter of every request in one, which cost about a tenth of a
     * small request's CPU (bench/run profile) for spans nobody reads. Requests stay observed as a whole
     * ({@code http.server.requests}: rates, latencies and statuses per endpoint in {@code /actuator/prometheus}).
     */
    @Bean
    public org.springframework.security.config.observation.SecurityObservationSettings securityObservations() {
        return org.springframework.security.config.observation.SecurityObservationSettings.noObservations();
    }

    @Bean
    public SecurityFilterChain filterChain(HttpSecurity http, Accounts accounts, JwtCallers jwts,
                                           SecurityProperties properties,
                                           ProblemResponses problems, GuessThrottle throttle) throws Exception {
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .anonymous(anonymous -> anonymous.disable())
                .addFilterBefore(new CredentialsFilter(accounts, jwts, properties, problems, throttle), BasicAuthenticationFilter.class)
                .authorizeHttpRequests(rules -> rules
                        .requestMatchers("/health", "/actuator/health", "/actuator/health/**", "/s/**", "/error")
                        .permitAll()
                        // the API's description (generated from the code) and its viewer: no data, no secrets
                        .requestMatchers(org.springframework.http.HttpMethod.GET, "/v3/api-docs", "/v3/api-docs/**",
                                "/swagger-ui.html", "/swagger-ui/**")
                        .permitAll()
                        // the web interface's page and assets (it signs in through the API like any client)
                        .requestMatchers(org.springframework.http.HttpMethod.GET, "/", "/index.html", "/assets/**",
                                "/favicon.ico", "/favicon.svg")
                        .permitAll()
                        // tus discovery and browsers' CORS preflights carry no credentials
                        .requestMatchers(org.springframework.http.HttpMethod.OPTIONS, "/api/uploads", "/api/uploads/**")
                        .permitAll()
                        .requestMatchers("/api/admin/**", "/api/backup/**", "/api/backup", "/api/audit",
                                "/api/audit/**", "/actuator/**")
                        .hasRole("ADMIN")
                        .anyRequest().authenticated())
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint((request, response, e) ->
                                problems.unauthorized(request, response, "authentication required"))
                        .accessDeniedHandler((request, response, e) ->
                                problems.forbidden(request, response, "this needs a system administrator")));
        return http.build();
    }
}
