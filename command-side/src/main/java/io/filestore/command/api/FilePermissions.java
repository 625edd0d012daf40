package io.filestore.command.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The owner and the shares of a file, and the one rule that turns them into an actor's role, used alike by the
 * aggregate (may this change happen?) and by the views (may this caller read?). Expired shares count for nothing
 * from their expiry instant on.
 */
public record FilePermissions(UserId owner, List<Grant> grants) {

    public FilePermissions {
        grants = grants == null ? List.of() : List.copyOf(grants);
    }

    /** The actor's role on the file at {@code now}, empty when they may not even read it. */
    public Optional<Role> roleOf(Actor actor, Instant now) {
        if (actor == null) {
            return Optional.empty();
        }
        if (actor.systemAdmin() || actor.userId().equals(owner)) {
            return Optional.of(Role.ADMIN);
        }
        java.util.Set<String> names = actor.grantees();
        Role best = null;
        for (Grant grant : grants) {
            if (grant.activeAt(now) && names.contains(grant.grantee().value())
                    && (best == null || grant.role().allows(best))) {
                best = grant.role();
            }
        }
        return Optional.ofNullable(best);
    }
}
