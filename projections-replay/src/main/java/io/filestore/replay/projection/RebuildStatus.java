package io.filestore.replay.projection;

import io.filestore.replay.OperationState;
import io.filestore.replay.Progress;
import java.time.Instant;

/**
 * A projection rebuild: it replays the event store up to {@code progress.total()} (the head when it began) while the
 * service keeps serving; {@code digest} is the digest of the rebuilt views once it completed.
 */
public record RebuildStatus(String id, String projection, OperationState state, Instant startedAt, Instant endedAt,
                            Progress progress, String digest, String error) {
}
