package io.filestore.query.history.api;

import java.util.List;
import java.util.Set;

/**
 * What a user could read at an instant: {@code systemAdmin} users could read every file (the list then still names
 * the files they owned or were shared); {@code groups} are their memberships then.
 */
public record UserAccessPage(boolean known, boolean systemAdmin, Set<String> groups, List<UserFileAccess> files,
                             long total) {

    /** One readable file: its id and name then, the role and why (owner, directShare, groupShare). */
    public record UserFileAccess(String fileId, String name, String folder, String role, String reason,
                                 String group) {
    }
}
