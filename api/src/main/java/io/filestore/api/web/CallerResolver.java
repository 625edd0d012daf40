package io.filestore.api.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * The one seam through which a request's caller is identified: the principal that the security filter chain
 * authenticated (password, API token, or a trusted gateway header when that is enabled). Controllers never read
 * identity headers themselves; they take a {@link Caller} parameter.
 */
@Component
public class CallerResolver {

    /** The caller, or empty when the request is not authenticated. */
    public Optional<Caller> resolve(HttpServletRequest request) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.isAuthenticated()
                && authentication.getPrincipal() instanceof Caller caller) {
            return Optional.of(caller);
        }
        return Optional.empty();
    }
}
