package io.filestore.query.search.api;

import java.time.Instant;

/**
 * The state of the search index. {@code servingIndex} is where the alias points; during a rebuild
 * {@code buildingIndex} receives the replay, {@code position} is the lowest event position the replay has reached
 * and {@code targetPosition} the head of the event store when the rebuild started (it completes when every segment
 * passed it). {@code lastCompletedAt} is when the last rebuild swapped the alias.
 */
public record RebuildStatus(boolean rebuilding, String alias, String servingIndex, String buildingIndex,
                            int mappingVersion, Long position, Long targetPosition, Instant startedAt,
                            Instant lastCompletedAt, String lastError) {
}
