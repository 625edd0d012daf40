package io.filestore.command.api;

import java.util.Set;

/** Who performs a command or a query: a user, the groups they belong to, and whether they administer the system. */
public record Actor(UserId userId, Set<String> groups, boolean systemAdmin) {

    public Actor {
        groups = groups == null ? Set.of() : Set.copyOf(groups);
    }

    public static Actor user(UserId userId) {
        return new Actor(userId, Set.of(), false);
    }

    /** The grantee strings that designate this actor: {@code user:<id>} and {@code group:<name>} of each group. */
    public Set<String> grantees() {
        java.util.HashSet<String> all = new java.util.HashSet<>();
        all.add(Grantee.user(userId).value());
        groups.forEach(g -> all.add("group:" + g));
        return all;
    }
}
