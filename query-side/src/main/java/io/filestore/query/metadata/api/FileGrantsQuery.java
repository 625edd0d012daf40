package io.filestore.query.metadata.api;

import io.filestore.command.api.FileId;
import java.util.List;

/**
 * The grants (shares) of files the caller has already been allowed to see, such as a page of search hits, in one
 * query. Answers {@link FileGrants}.
 */
public record FileGrantsQuery(List<FileId> fileIds) {

    public FileGrantsQuery {
        fileIds = List.copyOf(fileIds);
    }
}
