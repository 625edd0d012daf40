package io.filestore.api.history;

import static io.filestore.api.web.QueryAnswers.join;

import io.filestore.api.audit.AccessRecorder;
import io.filestore.api.config.FilestoreProperties;
import io.filestore.api.download.DownloadResponder;
import io.filestore.api.download.DownloadTarget;
import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.BadRequestException;
import io.filestore.api.web.Caller;
import io.filestore.blob.BlobStore;
import io.filestore.blob.ReadableBlob;
import io.filestore.command.api.BlobId;
import io.filestore.command.api.FileId;
import io.filestore.command.api.InsufficientPermissionException;
import io.filestore.command.api.MediaType;
import io.filestore.command.api.Role;
import io.filestore.command.api.UnknownFileException;
import io.filestore.command.api.UnknownVersionException;
import io.filestore.command.api.UserId;
import io.filestore.query.history.api.AccessView;
import io.filestore.query.history.api.ChangePage;
import io.filestore.query.history.api.ChangesQuery;
import io.filestore.query.history.api.CurrentRoleQuery;
import io.filestore.query.history.api.FileAccess;
import io.filestore.query.history.api.FileAccessAtQuery;
import io.filestore.query.history.api.FindFileAsOfQuery;
import io.filestore.query.history.api.HistoricFileView;
import io.filestore.query.history.api.HistoricShareView;
import io.filestore.query.history.api.ListFilesAsOfQuery;
import io.filestore.query.history.api.ListSharesAsOfQuery;
import io.filestore.query.history.api.ListVersionsAsOfQuery;
import io.filestore.query.history.api.UserAccessAtQuery;
import io.filestore.query.history.api.UserAccessPage;
import io.filestore.query.metadata.api.FilePage;
import io.filestore.query.metadata.api.FileVersionView;
import io.filestore.query.metadata.api.FileView;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Time travel: the file endpoints with {@code asOf=<instant>} (mapped here by that parameter, so the present-tense
 * controllers stay as they are), what changed between two instants, and who could access what at an instant.
 * A caller sees a file as it was only if they could read it then and may still read it now; otherwise it is a 404,
 * exactly like a file that does not exist.
 */
@RestController
class HistoryController {

    static final int MAX_LIMIT = 100;
    static final int MAX_OFFSET = 100_000;
    /** Parameters of {@code GET /api/files} that an {@code asOf} listing understands. */
    static final Set<String> LISTING_PARAMETERS = Set.of("asOf", "limit", "offset", "folder", "recursive", "tags",
            "mimeType", "minSize", "maxSize", "createdAfter", "createdBefore", "updatedAfter", "updatedBefore",
            "owner", "sort");

    private final QueryGateway queries;
    private final BlobStore blobs;
    private final DownloadResponder downloads;
    private final AccessRecorder accesses;

    HistoryController(QueryGateway queries, BlobStore blobs, FilestoreProperties properties,
                             AccessRecorder accesses) {
        this.queries = queries;
        this.blobs = blobs;
        this.accesses = accesses;
        this.downloads = new DownloadResponder((int) properties.download().bufferSize().toBytes(),
                properties.download().sendfile());
    }

    /**
     * The caller's own files as they were at {@code asOf}, filtered and sorted as they were then: folder, tags,
     * media type, size and dates (the filters of the present listing), newest created first by default. Full text
     * ({@code q}), facets and cursors are the search index's, which knows only the present: a 400 with asOf.
     */
    @GetMapping(path = "/api/files", params = "asOf")
    @io.filestore.api.web.QueryParameters({"folder", "recursive", "tags", "mimeType", "minSize", "maxSize",
            "createdAfter", "createdBefore", "updatedAfter", "updatedBefore", "owner", "sort",
            // the search's own: refused below with a reason
            "q", "facets", "facetSize", "cursor"})
    public ApiResponse<Map<String, Object>> list(Caller caller, @RequestParam String asOf,
                                                 @RequestParam(defaultValue = "20") int limit,
                                                 @RequestParam(defaultValue = "0") int offset,
                                                 HttpServletRequest request) {
        Instant at = Instants.past("asOf", asOf);
        for (String name : request.getParameterMap().keySet()) {
            if (!LISTING_PARAMETERS.contains(name)) {
                throw new BadRequestException(name, "with asOf, the listing takes " + new java.util.TreeSet<>(
                        LISTING_PARAMETERS) + "; " + name + " is not supported (full text, facets and cursors "
                        + "search the present)");
            }
        }
        paging(limit, offset);
        AsOfListing listing = AsOfListing.parse(request, caller);
        FilePage page = join(queries.query(new ListFilesAsOfQuery(caller.actor(), at, listing.filters(),
                listing.sort(), listing.direction(), offset, limit), FilePage.class));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("asOf", at);
        body.put("files", page.files().stream().map(f -> HistoricResponses.file(f, at)).toList());
        body.put("pagination", Map.of("offset", offset, "limit", limit, "total", page.total(),
                "hasMore", offset + page.files().size() < page.total()));
        return ApiResponse.ok(body);
    }

    @GetMapping(path = "/api/files/{id}", params = "asOf")
    public ApiResponse<?> get(Caller caller, @PathVariable String id, @RequestParam String asOf) {
        Instant at = Instants.past("asOf", asOf);
        return ApiResponse.ok(HistoricResponses.file(fileAt(caller, new FileId(id), at).file(), at));
    }

    @GetMapping(path = "/api/files/{id}/metadata", params = "asOf")
    public ApiResponse<Map<String, Object>> metadata(Caller caller, @PathVariable String id,
                                                     @RequestParam String asOf) {
        Instant at = Instants.past("asOf", asOf);
        FileView file = fileAt(caller, new FileId(id), at).file();
        return ApiResponse.ok(Map.of("fileId", file.fileId().value(), "name", file.name().value(),
                "mimeType", file.mediaType().value(), "metadata", HistoricResponses.file(file, at).metadata()));
    }

    @GetMapping(path = "/api/files/{id}/versions", params = "asOf")
    public ApiResponse<Map<String, Object>> versions(Caller caller, @PathVariable String id,
                                                     @RequestParam String asOf) {
        Instant at = Instants.past("asOf", asOf);
        FileId fileId = new FileId(id);
        FileView file = fileAt(caller, fileId, at).file();
        List<io.filestore.api.files.FileController.VersionResponse> versions = versionsAt(fileId, at).stream()
                .map(v -> new io.filestore.api.files.FileController.VersionResponse(v.version(), v.size(),
                        v.mediaType().value(), v.blobId().checksum(), v.uploadedAt(), v.uploadedBy().value(),
                        v.changeLog(), v.restoredFrom()))
                .toList();
        return ApiResponse.ok(Map.of("fileId", fileId.value(), "currentVersion", file.version(),
                "versions", versions, "asOf", at));
    }

    /** The shares as they were at {@code asOf}: needs the admin role on the file then (and read access now). */
    @GetMapping(path = "/api/files/{id}/shares", params = "asOf")
    public ApiResponse<List<Map<String, Object>>> shares(Caller caller, @PathVariable String id,
                                                         @RequestParam String asOf) {
        Instant at = Instants.past("asOf", asOf);
        FileId fileId = new FileId(id);
        HistoricFileView file = fileAt(caller, fileId, at);
        if (!file.role().allows(Role.ADMIN)) {
            throw new InsufficientPermissionException("this needs the admin role on the file");
        }
        List<HistoricShareView> shares = join(queries.query(new ListSharesAsOfQuery(fileId, at),
                ResponseTypes.multipleInstancesOf(HistoricShareView.class)));
        return ApiResponse.ok(shares.stream().map(s -> HistoricResponses.share(s, at)).toList());
    }

    /** The content that was current at {@code asOf} (or version {@code version} if the file had it then). */
    @RequestMapping(path = "/api/files/{id}/download", params = "asOf", method = {RequestMethod.GET, RequestMethod.HEAD})
    public void download(Caller caller, @PathVariable String id, @RequestParam String asOf,
                         @RequestParam(required = false) Integer version, HttpServletRequest request,
                         HttpServletResponse response) throws IOException {
        Instant at = Instants.past("asOf", asOf);
        FileId fileId = new FileId(id);
        FileView file = fileAt(caller, fileId, at).file();
        BlobId blobId = file.blobId();
        MediaType mediaType = file.mediaType();
        Instant modified = file.contentUpdatedAt();
        int served = file.version();
        if (version != null && version != file.version()) {
            FileVersionView old = versionsAt(fileId, at).stream().filter(v -> v.version() == version).findFirst()
                    .orElseThrow(() -> new UnknownVersionException("file " + id + " had no version " + version
                            + " at " + at));
            blobId = old.blobId();
            mediaType = old.mediaType();
            modified = old.uploadedAt();
            served = old.version();
        }
        ReadableBlob blob = blobs.open(blobId.sha256());
        downloads.respond(request, response, io.filestore.api.storage.BlobContentCheck.verified(blob, modified,
                mediaType.value(), file.name().value()));
        if (request.getMethod().equals("GET") && (response.getStatus() == 200 || response.getStatus() == 206)) {
            accesses.downloaded(fileId, served, caller.userId(), response.getStatus() == 206);
        }
    }

    /**
     * What changed in {@code (since, until]} ({@code until} defaults to now) in the caller's files (every file for a
     * system administrator), optionally in one folder (subtree), grouped per file, most recently changed first.
     */
    @GetMapping("/api/files/changes")
    public ApiResponse<Map<String, Object>> changes(Caller caller, @RequestParam(required = false) String since,
                                                    @RequestParam(required = false) String until,
                                                    @RequestParam(required = false) String folder,
                                                    @RequestParam(defaultValue = "true") boolean recursive,
                                                    @RequestParam(defaultValue = "20") int limit,
                                                    @RequestParam(defaultValue = "0") int offset) {
        Instant from = Instants.past("since", since);
        Instant to = until == null ? Instant.now() : Instants.past("until", until);
        if (!from.isBefore(to)) {
            throw new BadRequestException("until", "until must be later than since");
        }
        paging(limit, offset);
        ChangePage page = join(queries.query(new ChangesQuery(caller.actor(), from, to,
                folder == null ? null : folder(folder), recursive, offset, limit), ChangePage.class));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("since", from);
        body.put("until", to);
        body.put("files", page.files());
        body.put("pagination", Map.of("offset", offset, "limit", limit, "total", page.total(),
                "hasMore", offset + page.files().size() < page.total()));
        return ApiResponse.ok(body);
    }

    /**
     * Every principal who could read, write or administer the file at {@code at} and why. For the file's admins
     * (now) and system administrators.
     */
    @GetMapping("/api/files/{id}/access")
    public ApiResponse<Map<String, Object>> access(Caller caller, @PathVariable String id,
                                                   @RequestParam(required = false) String at) {
        Instant instant = Instants.past("at", at);
        FileId fileId = new FileId(id);
        if (!caller.systemAdmin()) {
            Role role = join(queries.query(new CurrentRoleQuery(fileId, caller.actor()),
                    ResponseTypes.optionalInstanceOf(Role.class)))
                    .orElseThrow(() -> new UnknownFileException("no file " + fileId));
            if (!role.allows(Role.ADMIN)) {
                throw new InsufficientPermissionException("this needs the admin role on the file");
            }
        }
        FileAccess access = join(queries.query(new FileAccessAtQuery(fileId, instant), FileAccess.class));
        if (!access.existed()) {
            throw new UnknownFileException("file " + fileId + " did not exist at " + instant);
        }
        List<AccessView> entries = access.entries();
        return ApiResponse.ok(Map.of("fileId", fileId.value(), "at", instant, "access", entries));
    }

    /** What a user could read at {@code at} (system administrators only). */
    @GetMapping("/api/admin/access")
    public ApiResponse<Map<String, Object>> userAccess(Caller caller, @RequestParam(required = false) String user,
                                                       @RequestParam(required = false) String at,
                                                       @RequestParam(defaultValue = "20") int limit,
                                                       @RequestParam(defaultValue = "0") int offset) {
        if (!caller.systemAdmin()) {
            throw new io.filestore.api.web.ForbiddenException("this operation is reserved to system administrators");
        }
        if (user == null || user.isBlank()) {
            throw new BadRequestException("user", "user (a user id) is required");
        }
        UserId userId = new UserId(user);
        Instant instant = Instants.past("at", at);
        paging(limit, offset);
        UserAccessPage page = join(queries.query(new UserAccessAtQuery(userId, instant, offset, limit),
                UserAccessPage.class));
        if (!page.known()) {
            throw new io.filestore.command.api.UnknownUserException("no user " + user);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", userId.value());
        body.put("at", instant);
        body.put("systemAdmin", page.systemAdmin());
        body.put("groups", page.groups());
        body.put("files", page.files());
        body.put("pagination", Map.of("offset", offset, "limit", limit, "total", page.total(),
                "hasMore", offset + page.files().size() < page.total()));
        return ApiResponse.ok(body);
    }

    private HistoricFileView fileAt(Caller caller, FileId fileId, Instant at) {
        return join(queries.query(new FindFileAsOfQuery(fileId, caller.actor(), at),
                ResponseTypes.optionalInstanceOf(HistoricFileView.class)))
                .orElseThrow(() -> new UnknownFileException("no file " + fileId + " at " + at));
    }

    private List<FileVersionView> versionsAt(FileId fileId, Instant at) {
        return join(queries.query(new ListVersionsAsOfQuery(fileId, at),
                ResponseTypes.multipleInstancesOf(FileVersionView.class)));
    }

    private static void paging(int limit, int offset) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadRequestException("limit", "limit must be between 1 and " + MAX_LIMIT);
        }
        if (offset < 0 || offset > MAX_OFFSET) {
            throw new BadRequestException("offset", "offset must be between 0 and " + MAX_OFFSET);
        }
    }

    /** A folder as metadata stores it: absolute, {@code /}-separated, normalized. */
    private static String folder(String folder) {
        try {
            return io.filestore.command.api.FileMetadata.EMPTY.merge(
                    new io.filestore.command.api.MetadataPatch(null, null, folder, null)).folder();
        } catch (io.filestore.command.api.InvalidValueException e) {
            throw new BadRequestException("folder", e.getMessage());
        }
    }
}
