package io.filestore.query.history.api;

import io.filestore.command.api.Role;
import io.filestore.query.metadata.api.FileView;

/**
 * A file as it was at an instant: its state then, with {@code permissions} holding the shares in force then, and
 * the role the asking caller had on it then.
 */
public record HistoricFileView(FileView file, Role role) {
}
