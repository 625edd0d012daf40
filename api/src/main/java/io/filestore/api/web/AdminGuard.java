package io.filestore.api.web;

import org.springframework.stereotype.Component;

/**
 * The one place controllers ask whether a caller is a system administrator: an account created as one (or the
 * bootstrapped administrator), or an identity provider's token with the admin role. Paths under
 * {@code /api/admin}, {@code /api/backup} and {@code /api/audit} are also guarded by the security filter chain.
 */
@Component
public class AdminGuard {

    public boolean isAdmin(Caller caller) {
        return caller.systemAdmin();
    }

    /** @throws ForbiddenException (403) unless the caller is an administrator */
    public void requireAdmin(Caller caller) {
        if (!isAdmin(caller)) {
            throw new ForbiddenException("this operation is reserved to system administrators");
        }
    }
}
