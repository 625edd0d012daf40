package io.filestore.query.history.api;

import io.filestore.command.api.FileId;
import java.time.Instant;

/** The shares and public links of a file that existed (created, not yet revoked) at {@code at}. */
public record ListSharesAsOfQuery(FileId fileId, Instant at) {
}
