package io.filestore.api.web;

import io.filestore.command.api.Actor;
import io.filestore.command.api.UserId;
import java.util.Set;

/** The authenticated principal of a request, resolved by {@link CallerResolver}. */
public record Caller(UserId userId, boolean systemAdmin, Set<String> groups) {

    public Caller {
        groups = groups == null ? Set.of() : Set.copyOf(groups);
    }

    public Caller(UserId userId, boolean systemAdmin) {
        this(userId, systemAdmin, Set.of());
    }

    /** The caller as commands and queries see it. */
    public Actor actor() {
        return new Actor(userId, groups, systemAdmin);
    }
}
