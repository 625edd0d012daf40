package io.filestore.query.metadata.api;

import io.filestore.command.api.Actor;
import io.filestore.command.api.FileId;
import java.util.Optional;

/**
 * The request path's direct read of one file in the metadata view: the answer of {@link FindFileQuery}'s query
 * handler, without the query bus. Every download, metadata read and change of a file starts with this read; through
 * the bus, its unit of work, Spring transaction (two more round trips to PostgreSQL) and handler time limit cost
 * several times the read itself (the profile of {@code bench/run}'s metadata get). The other queries, which are
 * rarer or heavier, go through the bus.
 */
public interface FileReads {

    /** The live (not trashed) file if {@code caller} may read it; empty when it is missing, trashed or not theirs. */
    Optional<FileView> findLive(FileId fileId, Actor caller);
}
