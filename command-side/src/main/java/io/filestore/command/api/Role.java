package io.filestore.command.api;

/**
 * What a principal may do with a file, each role including the ones before it: {@code VIEWER} reads,
 * {@code EDITOR} also writes content and metadata, {@code ADMIN} also shares, changes permissions, deletes and
 * restores. The owner, and system administrators, have every right.
 */
public enum Role {
    VIEWER, EDITOR, ADMIN;

    public boolean allows(Role needed) {
        return compareTo(needed) >= 0;
    }
}
