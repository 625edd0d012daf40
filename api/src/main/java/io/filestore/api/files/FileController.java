package io.filestore.api.files;

import io.filestore.api.audit.AccessRecorder;
import io.filestore.api.config.FilestoreProperties;
import io.filestore.api.download.DownloadResponder;
import io.filestore.api.search.FileSearch;
import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.IdempotencyKeys;
import io.filestore.api.web.BadRequestException;
import io.filestore.api.web.Caller;
import io.filestore.api.web.QueryParameters;
import io.filestore.blob.BlobStore;
import io.filestore.command.api.AddFileVersionCommand;
import io.filestore.command.api.BlobId;
import io.filestore.command.api.DeleteFileCommand;
import io.filestore.command.api.ExpectedState;
import io.filestore.command.api.FileId;
import io.filestore.command.api.FileName;
import io.filestore.command.api.InvalidValueException;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.RestoreFileVersionCommand;
import io.filestore.command.api.UnknownVersionException;
import io.filestore.command.api.UpdateFileMetadataCommand;
import io.filestore.command.api.VersionConflictException;
import io.filestore.query.metadata.api.FileVersionView;
import io.filestore.query.metadata.api.FileView;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaTypeFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The file lifecycle: upload, read, list, download, new versions, rollback, metadata, delete. */
@RestController
@RequestMapping("/api/files")
public class FileController {

    /** The parameters of the plain listing: with a plain listing cursor and only these, PostgreSQL answers. */
    private static final java.util.Set<String> PLAIN_PARAMETERS = java.util.Set.of("cursor", "limit", "offset");

    private final io.filestore.api.write.Writes writes;
    private final FileQueries queries;
    private final UploadReader uploads;
    private final BlobStore blobs;
    private final DownloadResponder downloads;
    private final FileCreator creator;
    private final AccessRecorder accesses;
    private final FileSearch search;
    private final IdempotentUploads idempotentUploads;
    private final FileListings listings;

    public FileController(io.filestore.api.write.Writes writes, FileQueries queries, UploadReader uploads, BlobStore blobs,
                          FilestoreProperties properties, FileCreator creator, AccessRecorder accesses,
                          FileSearch search, IdempotentUploads idempotentUploads, FileListings listings) {
        this.idempotentUploads = idempotentUploads;
        this.listings = listings;
        this.accesses = accesses;
        this.search = search;
        this.writes = writes;
        this.creator = creator;
        this.queries = queries;
        this.uploads = uploads;
        this.blobs = blobs;
        this.downloads = new DownloadResponder((int) properties.download().bufferSize().toBytes(),
                properties.download().sendfile());
    }

    @RequestMapping(path = "/upload", method = {RequestMethod.POST, RequestMethod.PUT})
    @QueryParameters({"name", "description", "tags", "folder", "mimeType", "changeLog"})
    public ResponseEntity<?> upload(Caller caller, HttpServletRequest request) throws IOException {
        String idempotencyKey = IdempotencyKeys.parse(request.getHeader(IdempotencyKeys.HEADER));
        if (idempotencyKey != null) {
            return idempotentUploads.upload(caller, idempotencyKey, request);
        }
        ReceivedUpload upload = uploads.read(request);
        MetadataInput input = upload.metadata();
        FileCreator.NewFile file = creator.describe(input.name() != null ? input.name() : upload.suppliedName(),
                input.mimeType() != null ? input.mimeType() : upload.suppliedContentType(), input);
        FileId fileId = FileId.random();
        FileView view = creator.create(fileId, file, upload.blob(), caller.userId());
        return ResponseEntity.created(URI.create("/api/files/" + fileId.value())).eTag(IfMatch.etag(view))
                .body(ApiResponse.ok(FileResponse.of(view)));
    }

    /**
     * Newest first from PostgreSQL, paged by {@code cursor} (a plain listing cursor) or {@code offset}; with filters,
     * sort, a search cursor or facets from the search index.
     */
    @GetMapping
    @QueryParameters({"q", "tags", "folder", "recursive", "mimeType", "minSize", "maxSize", "createdAfter",
            "createdBefore", "updatedAfter", "updatedBefore", "owner", "sort", "cursor", "facets", "facetSize",
            "offset", "limit"})
    public ApiResponse<Map<String, Object>> list(Caller caller,
                                                 @RequestParam(defaultValue = "20") int limit,
                                                 @RequestParam(required = false) Integer offset,
                                                 HttpServletRequest request) {
        String cursor = request.getParameter("cursor");
        boolean plainCursor = ListingCursor.isListingCursor(cursor)
                && PLAIN_PARAMETERS.containsAll(request.getParameterMap().keySet());
        if (!plainCursor && search.wantsIndex(request)) {
            return ApiResponse.ok(search.list(caller.actor(), request));
        }
        return ApiResponse.ok(listings.live(caller.actor(), limit, offset, cursor));
    }

    @GetMapping("/{id}")
    public ResponseEntity<ApiResponse<FileResponse>> get(Caller caller, @PathVariable String id) {
        return withEtag(queries.live(new FileId(id), caller.actor()));
    }

    /** A file answer with the file's ETag, which changes with every change of the file. */
    static ResponseEntity<ApiResponse<FileResponse>> withEtag(FileView view) {
        return ResponseEntity.ok().eTag(IfMatch.etag(view)).body(ApiResponse.ok(FileResponse.of(view)));
    }

    @RequestMapping(path = "/{id}/download", method = {RequestMethod.GET, RequestMethod.HEAD})
    public void download(Caller caller, @PathVariable String id, @RequestParam(required = false) Integer version,
                         HttpServletRequest request, HttpServletResponse response) throws IOException {
        FileId fileId = new FileId(id);
        FileView file = queries.live(fileId, caller.actor());
        BlobId blobId = file.blobId();
        MediaType mediaType = file.mediaType();
        Instant modified = file.contentUpdatedAt();
        int served = file.version();
        if (version != null && version != file.version()) {
            FileVersionView old = queries.version(fileId, version, caller.actor())
                    .orElseThrow(() -> new UnknownVersionException("file " + id + " has no version " + version));
            blobId = old.blobId();
            mediaType = old.mediaType();
            modified = old.uploadedAt();
            served = old.version();
        }
        downloads.respond(request, response, io.filestore.api.storage.BlobContentCheck.target(blobs, blobId.sha256(),
                modified, mediaType.value(), file.name().value()));
        if (request.getMethod().equals("GET") && (response.getStatus() == 200 || response.getStatus() == 206)) {
            accesses.downloaded(fileId, served, caller.userId(), response.getStatus() == 206);
        }
    }

    @PutMapping("/{id}")
    @QueryParameters({"name", "description", "tags", "folder", "mimeType", "changeLog"})
    public ResponseEntity<?> addVersion(Caller caller, @PathVariable String id, HttpServletRequest request)
            throws IOException {
        FileId fileId = new FileId(id);
        FileView current = queries.live(fileId, caller.actor());
        FileQueries.requireRole(current, caller.actor(), io.filestore.command.api.Role.EDITOR);
        ExpectedState expected = IfMatch.from(request);
        String idempotencyKey = IdempotencyKeys.parse(request.getHeader(IdempotencyKeys.HEADER));
        if (idempotencyKey != null) {
            // a retry may carry the If-Match of the version it added: the aggregate alone decides
            return idempotentUploads.newVersion(caller, idempotencyKey, request,
                    upload -> addVersion(caller, fileId, current, expected, upload));
        }
        if (expected != null && !expected.matches(current.version(), current.blobId(), current.sequence())) {
            // fail before reading content (the aggregate checks again, race-free)
            throw new VersionConflictException(current.version(), current.blobId(), current.sequence());
        }
        return addVersion(caller, fileId, current, expected, uploads.read(request));
    }

    private ResponseEntity<ApiResponse<FileResponse>> addVersion(Caller caller, FileId fileId, FileView current,
                                                                 ExpectedState expected, ReceivedUpload upload) {
        MetadataInput input = upload.metadata();
        FileName newName = input.name() != null ? new FileName(input.name()) : null;
        MediaType mediaType = mediaTypeFor(input.mimeType() != null ? input.mimeType() : upload.suppliedContentType(),
                newName != null ? newName : current.name());
        io.filestore.api.admission.UploadAdmissionFilter.releaseEarly();
        writes.send(new AddFileVersionCommand(fileId,
                new BlobId(upload.blob().sha256()), upload.blob().size(), mediaType, newName, input.patch(),
                input.changeLog(), caller.actor(), expected));
        return withEtag(queries.live(fileId, caller.actor()));
    }

    @GetMapping("/{id}/versions")
    public ApiResponse<Map<String, Object>> versions(Caller caller, @PathVariable String id) {
        FileId fileId = new FileId(id);
        FileView file = queries.live(fileId, caller.actor());
        List<VersionResponse> versions = queries.versions(fileId, caller.actor()).stream()
                .map(VersionResponse::of).toList();
        return ApiResponse.ok(Map.of("fileId", fileId.value(), "currentVersion", file.version(),
                "versions", versions, "pagination", io.filestore.api.web.Pagination.whole(versions.size())));
    }

    @PostMapping("/{id}/versions/{version}/restore")
    public ResponseEntity<ApiResponse<FileResponse>> restoreVersion(Caller caller, @PathVariable String id,
                                                                    @PathVariable int version,
                                                                    HttpServletRequest request) {
        FileId fileId = new FileId(id);
        FileQueries.requireRole(queries.live(fileId, caller.actor()), caller.actor(), io.filestore.command.api.Role.EDITOR);
        ExpectedState expected = IfMatch.from(request);
        writes.send(new RestoreFileVersionCommand(fileId, version, null, caller.actor(), expected));
        return withEtag(queries.live(fileId, caller.actor()));
    }

    @GetMapping("/{id}/metadata")
    public ResponseEntity<ApiResponse<Map<String, Object>>> metadata(Caller caller, @PathVariable String id) {
        FileView file = queries.live(new FileId(id), caller.actor());
        FileResponse response = FileResponse.of(file);
        return ResponseEntity.ok().eTag(IfMatch.etag(file)).body(ApiResponse.ok(Map.of("fileId", file.fileId().value(), "name", file.name().value(),
                "mimeType", file.mediaType().value(), "metadata", response.metadata())));
    }

    @PostMapping("/{id}/metadata")
    public ResponseEntity<ApiResponse<FileResponse>> updateMetadata(Caller caller, @PathVariable String id,
                                                                    @jakarta.validation.Valid @RequestBody(required = false) MetadataInput input,
                                                                    HttpServletRequest request) {
        FileId fileId = new FileId(id);
        FileQueries.requireRole(queries.live(fileId, caller.actor()), caller.actor(), io.filestore.command.api.Role.EDITOR);
        if (input == null) {
            throw new BadRequestException("body", "a JSON object with the metadata to merge is required");
        }
        ExpectedState expected = IfMatch.from(request);
        FileName name = input.name() != null ? new FileName(input.name()) : null;
        writes.send(new UpdateFileMetadataCommand(fileId, name, input.patch(), caller.actor(), expected));
        return withEtag(queries.live(fileId, caller.actor()));
    }

    @DeleteMapping("/{id}")
    public ResponseEntity<ApiResponse<FileResponse>> delete(Caller caller, @PathVariable String id,
                                                            HttpServletRequest request) {
        FileId fileId = new FileId(id);
        FileQueries.requireRole(queries.live(fileId, caller.actor()), caller.actor(), io.filestore.command.api.Role.ADMIN);
        ExpectedState expected = IfMatch.from(request);
        writes.send(new DeleteFileCommand(fileId, caller.actor(), expected));
        return withEtag(queries.trashed(fileId, caller.actor()));
    }

    /** The declared media type, else one guessed from the name's extension, else application/octet-stream. */
    static MediaType mediaTypeFor(String declared, FileName name) {
        if (declared != null && !declared.isBlank()
                && !declared.toLowerCase(java.util.Locale.ROOT).startsWith("application/octet-stream")
                && !declared.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/")) {
            try {
                return new MediaType(declared);
            } catch (InvalidValueException e) {
                throw new BadRequestException("mimeType", "'" + declared + "' is not a valid media type");
            }
        }
        return MediaTypeFactory.getMediaType(name.value())
                .map(type -> new MediaType(type.toString()))
                .orElse(MediaType.OCTET_STREAM);
    }

    /** One entry of a version history. */
    public record VersionResponse(int version, long size, String mimeType, String checksum, Instant uploadedAt,
                                  String uploadedBy, String changeLog, Integer restoredFrom) {

        static VersionResponse of(FileVersionView v) {
            return new VersionResponse(v.version(), v.size(), v.mediaType().value(), v.blobId().checksum(),
                    v.uploadedAt(), v.uploadedBy().value(), v.changeLog(), v.restoredFrom());
        }
    }
}
