package io.filestore.query.history.api;

import io.filestore.command.api.Actor;
import io.filestore.command.api.FileId;
import java.time.Instant;

/**
 * The file as it was at {@code at}, if it existed then outside the trash, the caller could read it then (with the
 * group memberships they had then) and may still read it now. Empty otherwise.
 */
public record FindFileAsOfQuery(FileId fileId, Actor caller, Instant at) {
}
