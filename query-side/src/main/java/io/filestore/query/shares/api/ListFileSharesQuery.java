package io.filestore.query.shares.api;

import io.filestore.command.api.FileId;

/** Every share and link of a file, newest first. Answers a list of {@link ShareView}. */
public record ListFileSharesQuery(FileId fileId) {
}
