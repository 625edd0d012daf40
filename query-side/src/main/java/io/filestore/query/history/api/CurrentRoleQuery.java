package io.filestore.query.history.api;

import io.filestore.command.api.Actor;
import io.filestore.command.api.FileId;

/** The caller's role on the file now, in or out of the trash; empty when they may not read it or it was purged. */
public record CurrentRoleQuery(FileId fileId, Actor caller) {
}
