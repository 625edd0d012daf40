package io.filestore.api.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * The one seam through which a request's caller is identified. Controllers never read identity headers
 * themselves; they take a {@link Caller} parameter.
 */
public interface CallerResolver {

    /** The caller, or empty when the request carries no (valid) identity. */
    Optional<Caller> resolve(HttpServletRequest request);
}
