package io.filestore.api.files;

import static io.filestore.api.web.QueryAnswers.join;

import io.filestore.api.config.FilestoreProperties;
import io.filestore.command.api.FileId;
import io.filestore.command.api.UnknownFileException;
import io.filestore.command.api.Actor;
import io.filestore.query.metadata.api.FilePage;
import io.filestore.query.metadata.api.FileVersionView;
import io.filestore.query.metadata.api.FileView;
import io.filestore.query.metadata.api.FileViewChanges;
import io.filestore.query.metadata.api.FileReads;
import io.filestore.query.metadata.api.FindTrashedFileQuery;
import io.filestore.query.metadata.api.FindVersionQuery;
import io.filestore.query.metadata.api.ListFilesQuery;
import io.filestore.query.metadata.api.ListTrashQuery;
import io.filestore.query.metadata.api.ListingPaging;
import io.filestore.query.metadata.api.ListVersionsQuery;
import io.filestore.query.metadata.api.ViewSequenceQuery;
import java.util.List;
import java.util.Optional;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Typed access to the metadata view: one file directly ({@link FileReads}, the request path's hot read), everything
 * else through Axon's query bus; and the bounded read-your-writes wait.
 */
@Component
public class FileQueries {

    private static final Logger log = LoggerFactory.getLogger(FileQueries.class);

    private final QueryGateway queries;
    private final FileReads reads;
    private final FileViewChanges changes;
    private final FilestoreProperties properties;

    public FileQueries(QueryGateway queries, FileReads reads, FileViewChanges changes,
                       FilestoreProperties properties) {
        this.queries = queries;
        this.reads = reads;
        this.changes = changes;
        this.properties = properties;
    }

    public FileView live(FileId fileId, Actor caller) {
        return reads.findLive(fileId, caller).orElseThrow(() -> new UnknownFileException("no file " + fileId));
    }

    /** Fails with 403 when the caller may read the file but lacks {@code needed} (the aggregate decides finally). */
    public static void requireRole(FileView file, Actor caller, io.filestore.command.api.Role needed) {
        io.filestore.command.api.Role role = file.permissions().roleOf(caller, java.time.Instant.now())
                .orElseThrow(() -> new UnknownFileException("no file " + file.fileId()));
        if (!role.allows(needed)) {
            throw new io.filestore.command.api.InsufficientPermissionException(
                    "this needs the " + needed.name().toLowerCase() + " role on the file");
        }
    }

    public Optional<FileView> findLive(FileId fileId, Actor caller) {
        return reads.findLive(fileId, caller);
    }

    public FileView trashed(FileId fileId, Actor caller) {
        return join(queries.query(new FindTrashedFileQuery(fileId, caller),
                ResponseTypes.optionalInstanceOf(FileView.class)))
                .orElseThrow(() -> new UnknownFileException("no file " + fileId + " in the trash"));
    }

    public FilePage list(Actor caller, ListingPaging paging) {
        return join(queries.query(new ListFilesQuery(caller, paging), FilePage.class));
    }

    public FilePage trash(Actor caller, ListingPaging paging) {
        return join(queries.query(new ListTrashQuery(caller, paging), FilePage.class));
    }

    public FilePage sharedWith(Actor caller, ListingPaging paging) {
        return join(queries.query(new io.filestore.query.metadata.api.ListSharedWithQuery(caller, paging),
                FilePage.class));
    }

    public List<FileVersionView> versions(FileId fileId, Actor caller) {
        return join(queries.query(new ListVersionsQuery(fileId, caller),
                ResponseTypes.multipleInstancesOf(FileVersionView.class)));
    }

    public Optional<FileVersionView> version(FileId fileId, int version, Actor caller) {
        return join(queries.query(new FindVersionQuery(fileId, version, caller),
                ResponseTypes.optionalInstanceOf(FileVersionView.class)));
    }

    /**
     * Waits (bounded by {@code filestore.read-your-writes-timeout}) until the view reflects aggregate sequence
     * {@code sequence} of the file. Writes wait through {@link io.filestore.api.write.Writes}; this serves a retried
     * upload that must find out whether a stopped process created the file before it could answer.
     */
    public void awaitSequence(FileId fileId, long sequence) {
        boolean visible = changes.awaitVisible(fileId,
                () -> join(queries.query(new ViewSequenceQuery(fileId), Long.class)) >= sequence,
                properties.readYourWritesTimeout());
        if (!visible) {
            log.warn("view of file {} did not reach sequence {} within {}", fileId, sequence,
                    properties.readYourWritesTimeout());
        }
    }
}
