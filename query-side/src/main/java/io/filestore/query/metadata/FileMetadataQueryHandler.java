package io.filestore.query.metadata;

import io.filestore.command.api.Actor;
import io.filestore.command.api.BlobId;
import io.filestore.query.metadata.api.ListSharedWithQuery;
import java.time.Instant;
import io.filestore.command.api.FileId;
import io.filestore.query.metadata.api.ExpiredTrashQuery;
import io.filestore.query.metadata.api.FilePage;
import io.filestore.query.metadata.api.FileVersionView;
import io.filestore.query.metadata.api.FileView;
import io.filestore.query.metadata.api.FindFileQuery;
import io.filestore.query.metadata.api.FindTrashedFileQuery;
import io.filestore.query.metadata.api.FindVersionQuery;
import io.filestore.query.metadata.api.ListFilesQuery;
import io.filestore.query.metadata.api.FileGrants;
import io.filestore.query.metadata.api.FileGrantsQuery;
import io.filestore.query.metadata.api.ListTrashQuery;
import io.filestore.query.metadata.api.ListVersionsQuery;
import io.filestore.query.metadata.api.UnreferencedBlobsQuery;
import io.filestore.query.metadata.api.ViewSequenceQuery;
import java.util.List;
import java.util.Optional;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

/**
 * Answers metadata queries. A file is visible to its owner, to principals it is shared with (until the share
 * expires) and to system administrators; to anyone else it looks like a missing file.
 */
@Component
public class FileMetadataQueryHandler implements io.filestore.query.metadata.api.FileReads {

    private final FileMetadataRepository repository;

    public FileMetadataQueryHandler(FileMetadataRepository repository) {
        this.repository = repository;
    }

    @QueryHandler
    public Optional<FileView> handle(FindFileQuery query) {
        return findLive(query.fileId(), query.caller());
    }

    @Override
    public Optional<FileView> findLive(io.filestore.command.api.FileId fileId, Actor caller) {
        return repository.findFile(fileId).filter(file -> !file.deleted() && readable(file, caller));
    }

    @QueryHandler
    public Optional<FileView> handle(FindTrashedFileQuery query) {
        return repository.findFile(query.fileId())
                .filter(file -> file.deleted() && readable(file, query.caller()));
    }

    @QueryHandler
    public FilePage handle(ListFilesQuery query) {
        return repository.listLive(query.caller().userId(), query.paging());
    }

    @QueryHandler
    public FilePage handle(ListTrashQuery query) {
        return repository.listTrash(query.caller().userId(), query.paging());
    }

    @QueryHandler
    public FileGrants handle(FileGrantsQuery query) {
        return new FileGrants(repository.grants(query.fileIds()));
    }

    @QueryHandler
    public List<FileVersionView> handle(ListVersionsQuery query) {
        if (handle(new FindFileQuery(query.fileId(), query.caller())).isEmpty()) {
            return List.of();
        }
        return repository.versions(query.fileId());
    }

    @QueryHandler
    public Optional<FileVersionView> handle(FindVersionQuery query) {
        return handle(new ListVersionsQuery(query.fileId(), query.caller())).stream()
                .filter(v -> v.version() == query.version())
                .findFirst();
    }

    @QueryHandler
    public FilePage handle(ListSharedWithQuery query) {
        return repository.listSharedWith(query.caller().grantees(), query.paging());
    }

    private static boolean readable(FileView file, Actor caller) {
        return file.permissions().roleOf(caller, Instant.now()).isPresent();
    }

    @QueryHandler
    public Long handle(ViewSequenceQuery query) {
        return repository.sequenceOf(query.fileId());
    }

    @QueryHandler
    public List<FileId> handle(ExpiredTrashQuery query) {
        return repository.trashedBefore(query.deletedBefore(), query.limit());
    }

    @QueryHandler
    public List<BlobId> handle(UnreferencedBlobsQuery query) {
        return repository.unreferenced(query.candidates());
    }
}
