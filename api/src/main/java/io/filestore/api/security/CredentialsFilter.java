package io.filestore.api.security;

import io.filestore.api.web.ProblemResponses;

import io.filestore.api.web.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request from its {@code Authorization} header ({@code Basic} user:password, or {@code Bearer}
 * personal API token, or an identity provider's JWT when that mode is configured) or, only when {@code filestore.security.trusted-header} is set, from that gateway header.
 * Credentials that are present but wrong are refused with 401 at once; a request without any goes on
 * unauthenticated and the authorization rules decide. Wrong passwords are throttled per account and client address
 * ({@link GuessThrottle}): past the free budget, 429 with Retry-After until the delay has passed.
 */
class CredentialsFilter extends OncePerRequestFilter {

    private final Accounts accounts;
    private final JwtCallers jwts;
    private final SecurityProperties properties;
    private final ProblemResponses problems;
    private final GuessThrottle throttle;

    CredentialsFilter(Accounts accounts, JwtCallers jwts, SecurityProperties properties, ProblemResponses problems,
                      GuessThrottle throttle) {
        this.throttle = throttle;
        this.accounts = accounts;
        this.jwts = jwts;
        this.properties = properties;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader("Authorization");
        Optional<Caller> caller = Optional.empty();
        boolean presented = false;
        if (authorization != null && !authorization.isBlank()) {
            presented = true;
            String[] basic = basicCredentials(authorization.trim());
            if (basic != null) {
                String secret = "account:" + basic[0];
                String address = request.getRemoteAddr();
                long wait = throttle.retryAfter(secret, address);
                if (wait > 0) {
                    response.setHeader("Retry-After", String.valueOf(wait));
                    problems.write(request, response, 429, "Too Many Requests",
                            "too many wrong passwords; try again later");
                    return;
                }
                caller = accounts.byPassword(basic[0], basic[1]);
                if (caller.isPresent()) {
                    throttle.succeeded(secret, address);
                } else {
                    throttle.failed(secret, address);
                }
            } else {
                caller = fromAuthorization(authorization.trim());
            }
        } else if (properties.trustsHeader()) {
            String value = request.getHeader(properties.trustedHeader());
            if (value != null && !value.isBlank()) {
                presented = true;
                caller = accounts.byTrustedHeader(value);
            }
        }
        if (presented && caller.isEmpty()) {
            problems.unauthorized(request, response, "invalid credentials");
            return;
        }
        caller.ifPresent(c -> {
            List<SimpleGrantedAuthority> authorities = c.systemAdmin()
                    ? List.of(new SimpleGrantedAuthority("ROLE_USER"), new SimpleGrantedAuthority("ROLE_ADMIN"))
                    : List.of(new SimpleGrantedAuthority("ROLE_USER"));
            SecurityContextHolder.getContext().setAuthentication(
                    UsernamePasswordAuthenticationToken.authenticated(c, null, authorities));
        });
        chain.doFilter(request, response);
    }

    private Optional<Caller> fromAuthorization(String authorization) {
        int space = authorization.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        String scheme = authorization.substring(0, space);
        String value = authorization.substring(space + 1).trim();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return value.startsWith(Accounts.TOKEN_PREFIX) || !jwts.enabled() ? accounts.byToken(value)
                    : jwts.byJwt(value);
        }
        return Optional.empty(); // Basic is handled by the caller (throttled); malformed Basic and other schemes fail
    }

    /** User name and password of a well-formed {@code Basic} authorization, else null. */
    private static String[] basicCredentials(String authorization) {
        int space = authorization.indexOf(' ');
        if (space < 0 || !authorization.substring(0, space).equalsIgnoreCase("Basic")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(space + 1).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }
}
