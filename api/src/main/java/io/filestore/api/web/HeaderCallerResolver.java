package io.filestore.api.web;

import io.filestore.command.api.InvalidValueException;
import io.filestore.command.api.UserId;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Identifies the caller by the {@code X-User-Id} header (the seed's scheme until real authentication exists). */
@Component
public class HeaderCallerResolver implements CallerResolver {

    public static final String HEADER = "X-User-Id";

    @Override
    public Optional<Caller> resolve(HttpServletRequest request) {
        String value = request.getHeader(HEADER);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Caller(new UserId(value.trim())));
        } catch (InvalidValueException e) {
            return Optional.empty();
        }
    }
}
