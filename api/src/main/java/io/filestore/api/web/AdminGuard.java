package io.filestore.api.web;

import io.filestore.api.config.AdminProperties;
import io.filestore.command.api.UserId;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The one place that decides who is a system administrator: today the user ids listed in {@code filestore.admins}
 * (validated at start-up), read from the caller seam. Real authentication (roles) replaces this class.
 */
@Component
public class AdminGuard {

    private final Set<UserId> admins;

    public AdminGuard(AdminProperties properties) {
        this.admins = properties.admins().stream().map(UserId::new).collect(Collectors.toUnmodifiableSet());
    }

    public boolean isAdmin(Caller caller) {
        return admins.contains(caller.userId());
    }

    /** @throws ForbiddenException (403) unless the caller is an administrator */
    public void requireAdmin(Caller caller) {
        if (!isAdmin(caller)) {
            throw new ForbiddenException("this operation is reserved to system administrators");
        }
    }
}
