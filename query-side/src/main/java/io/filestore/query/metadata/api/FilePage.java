package io.filestore.query.metadata.api;

import java.util.List;

/** A page of files and the total number of files matching the query. */
public record FilePage(List<FileView> files, long total) {
}
