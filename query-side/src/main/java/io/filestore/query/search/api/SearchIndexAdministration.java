package io.filestore.query.search.api;

/**
 * Rebuilding the search index without a gap: the search projection is replayed into a new index while the alias
 * keeps serving the old one, and the alias moves to the new index atomically once the replay has caught up.
 */
public interface SearchIndexAdministration {

    /** Starts a rebuild (or reports the one already running) and returns at once. */
    RebuildStatus rebuild();

    /** Where the alias points, and the progress of a running rebuild. */
    RebuildStatus status();

    /**
     * Why searches may now answer wrong or incomplete results (the index is not ready, is being rebuilt or filled,
     * or a rebuild is about to start), or null when the served index is complete and belongs to this event store.
     */
    String incompleteBecause();
}
