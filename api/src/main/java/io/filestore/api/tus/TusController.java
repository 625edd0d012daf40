package io.filestore.api.tus;

import io.filestore.api.download.HttpDates;
import io.filestore.api.web.ApiResponse;
import io.filestore.api.web.Caller;
import io.filestore.query.metadata.api.FileView;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * The tus 1.0.0 resumable upload protocol (core, creation, creation-with-upload, creation-defer-length,
 * termination, expiration, checksum with sha256) under {@code /api/uploads}, plus a JSON progress report for
 * clients that do not speak tus. An upload belongs to the caller who created it; to anyone else it does not exist.
 */
@RestController
@RequestMapping("/api/uploads")
class TusController {

    static final String VERSION = "1.0.0";
    static final String EXTENSIONS = "creation,creation-with-upload,creation-defer-length,termination,expiration,"
            + "checksum";
    static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";
    static final String FILE_ID = "X-File-Id";

    private final TusService tus;

    TusController(TusService tus) {
        this.tus = tus;
    }

    /** Discovery: what this server supports. Needs no identity. */
    @RequestMapping(path = {"", "/{id}"}, method = RequestMethod.OPTIONS)
    public ResponseEntity<Void> options() {
        return ResponseEntity.noContent()
                .header("Tus-Version", VERSION)
                .header("Tus-Extension", EXTENSIONS)
                .header("Tus-Max-Size", String.valueOf(tus.maxSize()))
                .header("Tus-Checksum-Algorithm", "sha256")
                .build();
    }

    /** creation (+ creation-with-upload, creation-defer-length). */
    @PostMapping
    public ResponseEntity<Void> create(Caller caller, HttpServletRequest request) throws IOException {
        requireTusResumable(request);
        String lengthHeader = request.getHeader("Upload-Length");
        String deferHeader = request.getHeader("Upload-Defer-Length");
        Long length = null;
        if (lengthHeader != null) {
            if (deferHeader != null) {
                throw new TusException(400, "send Upload-Length or Upload-Defer-Length, not both");
            }
            length = nonNegative(lengthHeader, "Upload-Length");
            if (length > tus.maxSize()) {
                throw new TusException(413, "Upload-Length exceeds Tus-Max-Size " + tus.maxSize(),
                        Map.of("Tus-Max-Size", String.valueOf(tus.maxSize())));
            }
        } else if (!"1".equals(deferHeader)) {
            throw new TusException(400, "Upload-Length is required (or Upload-Defer-Length: 1)");
        }
        boolean hasBody = hasBody(request);
        if (hasBody) {
            requireOffsetOctetStream(request);
        }
        Map<String, String> metadata = UploadMetadataHeader.parse(request.getHeader("Upload-Metadata"));
        tus.describe(metadata);
        try (UploadStore.Lease lease = tus.store().create(caller.userId(), length, metadata)) {
            TusUpload upload = lease.upload();
            ResponseEntity.BodyBuilder answer = ResponseEntity.status(HttpStatus.CREATED)
                    .header(HttpHeaders.LOCATION, "/api/uploads/" + upload.id);
            try {
                if (hasBody) {
                    receive(upload, request);
                    answer.header("Upload-Offset", String.valueOf(upload.offset()));
                }
                finishIfComplete(upload, answer);
            } catch (IOException | RuntimeException e) {
                // The client never learns this upload's URL from an error answer: keep nothing (460, 413, 400...).
                tus.store().delete(upload);
                throw e;
            }
            return answer.header("Upload-Expires", HttpDates.format(upload.expiresAt())).build();
        }
    }

    /** The offset to resume at. */
    @RequestMapping(path = "/{id}", method = RequestMethod.HEAD)
    public ResponseEntity<Void> head(Caller caller, @PathVariable String id, HttpServletRequest request) {
        requireTusResumable(request);
        TusUpload upload = tus.get(id, caller.userId());
        ResponseEntity.BodyBuilder answer = ResponseEntity.ok()
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("Upload-Offset", String.valueOf(upload.offset()))
                .header("Upload-Expires", HttpDates.format(upload.expiresAt()));
        lengthHeaders(upload, answer);
        if (!upload.metadata.isEmpty()) {
            answer.header("Upload-Metadata", UploadMetadataHeader.format(upload.metadata));
        }
        if (upload.finished()) {
            answer.header(FILE_ID, upload.fileId.value());
        }
        return answer.build();
    }

    /**
     * Appends a chunk at {@code Upload-Offset}; one PATCH per upload at a time, whichever instance receives it (a
     * second one meanwhile is 409).
     */
    @PatchMapping("/{id}")
    public ResponseEntity<Void> patch(Caller caller, @PathVariable String id, HttpServletRequest request)
            throws IOException {
        requireTusResumable(request);
        tus.get(id, caller.userId());
        requireOffsetOctetStream(request);
        String offsetHeader = request.getHeader("Upload-Offset");
        if (offsetHeader == null) {
            throw new TusException(400, "Upload-Offset is required");
        }
        long offset = nonNegative(offsetHeader, "Upload-Offset");
        try (UploadStore.Lease lease = tus.lock(id, caller.userId(),
                "another request is writing this upload; retry after it ends")) {
            TusUpload upload = lease.upload();
            if (offset != upload.offset()) {
                throw new TusException(409, "Upload-Offset " + offset + " does not match the upload's offset "
                        + upload.offset());
            }
            declareLength(upload, request.getHeader("Upload-Length"));
            ResponseEntity.BodyBuilder answer = ResponseEntity.status(HttpStatus.NO_CONTENT);
            if (!upload.finished()) {
                receive(upload, request);
                finishIfComplete(upload, answer);
            } else if (hasBody(request) && request.getContentLengthLong() != 0) {
                throw new TusException(413, "the upload is complete");
            } else {
                answer.header(FILE_ID, upload.fileId.value());
            }
            return answer.header("Upload-Offset", String.valueOf(upload.offset()))
                    .header("Upload-Expires", HttpDates.format(upload.expiresAt()))
                    .build();
        }
    }

    /** {@code X-HTTP-Method-Override} for clients behind proxies that only pass GET and POST. */
    @PostMapping("/{id}")
    public ResponseEntity<Void> overridden(Caller caller, @PathVariable String id, HttpServletRequest request)
            throws IOException {
        String method = request.getHeader("X-HTTP-Method-Override");
        if ("PATCH".equalsIgnoreCase(method)) {
            return patch(caller, id, request);
        }
        if ("DELETE".equalsIgnoreCase(method)) {
            return terminate(caller, id, request);
        }
        throw new TusException(405, "POST to an upload needs X-HTTP-Method-Override: PATCH or DELETE",
                Map.of(HttpHeaders.ALLOW, "OPTIONS, HEAD, PATCH, DELETE, GET"));
    }

    /** termination: the upload and its bytes are removed (a file it became stays). */
    @DeleteMapping("/{id}")
    public ResponseEntity<Void> terminate(Caller caller, @PathVariable String id, HttpServletRequest request)
            throws IOException {
        requireTusResumable(request);
        try (UploadStore.Lease lease = tus.lock(id, caller.userId(),
                "a request is writing this upload; retry after it ends")) {
            tus.store().delete(lease.upload());
        }
        return ResponseEntity.noContent().build();
    }

    /** Progress for any client: bytes received so far (including a chunk in flight) and the total. */
    @GetMapping("/{id}")
    public ApiResponse<Map<String, Object>> progress(Caller caller, @PathVariable String id) {
        return ApiResponse.ok(describe(tus.get(id, caller.userId())));
    }

    /** The caller's unfinished uploads, newest first. */
    @GetMapping
    public ApiResponse<Map<String, Object>> list(Caller caller) {
        List<Map<String, Object>> uploads = tus.openUploadsOf(caller.userId()).stream()
                .sorted((a, b) -> b.createdAt.compareTo(a.createdAt))
                .map(this::describe)
                .toList();
        return ApiResponse.ok(Map.of("uploads", uploads,
                "pagination", io.filestore.api.web.Pagination.whole(uploads.size())));
    }

    private Map<String, Object> describe(TusUpload upload) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("uploadId", upload.id);
        body.put("url", "/api/uploads/" + upload.id);
        String name = upload.metadata.getOrDefault("filename", upload.metadata.get("name"));
        if (name != null) {
            body.put("name", name);
        }
        Long length = upload.length();
        long received = upload.finished() && length != null ? length : upload.received();
        body.put("offset", upload.finished() && length != null ? length : upload.offset());
        body.put("bytesReceived", received);
        if (length != null) {
            body.put("length", length);
            body.put("percent", length == 0 ? 100.0 : Math.floor(received * 1000.0 / length) / 10.0);
        }
        body.put("status", upload.finished() ? "finished" : upload.complete() ? "completing"
                : tus.store().writingHere(upload.id) ? "receiving" : "paused");
        body.put("createdAt", upload.createdAt);
        body.put("expiresAt", upload.expiresAt());
        if (upload.finished()) {
            body.put("fileId", upload.fileId.value());
            body.put("fileUrl", "/api/files/" + upload.fileId.value());
        }
        return body;
    }

    private void receive(TusUpload upload, HttpServletRequest request) throws IOException {
        Long length = upload.length();
        long limit = (length != null ? length : tus.maxSize()) - upload.offset();
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            throw new TusException(413, "the chunk of " + declared + " bytes goes past "
                    + (length != null ? "Upload-Length" : "Tus-Max-Size"));
        }
        tus.store().append(upload, request.getInputStream(), limit, declared, checksum(request));
    }

    private void finishIfComplete(TusUpload upload, ResponseEntity.BodyBuilder answer) throws IOException {
        if (upload.complete() && !upload.finished()) {
            FileView file = tus.complete(upload);
            answer.header(FILE_ID, file.fileId().value());
        }
    }

    private void declareLength(TusUpload upload, String header) throws IOException {
        if (header == null) {
            return;
        }
        long length = nonNegative(header, "Upload-Length");
        if (upload.length() != null) {
            if (upload.length() != length) {
                throw new TusException(400, "Upload-Length cannot change once set");
            }
            return;
        }
        if (length < upload.offset()) {
            throw new TusException(400, "Upload-Length is below the bytes already received");
        }
        if (length > tus.maxSize()) {
            throw new TusException(413, "Upload-Length exceeds Tus-Max-Size " + tus.maxSize());
        }
        tus.store().declareLength(upload, length);
    }

    private static void lengthHeaders(TusUpload upload, ResponseEntity.BodyBuilder answer) {
        if (upload.length() != null) {
            answer.header("Upload-Length", String.valueOf(upload.length()));
        } else {
            answer.header("Upload-Defer-Length", "1");
        }
    }

    static void requireTusResumable(HttpServletRequest request) {
        String version = request.getHeader("Tus-Resumable");
        if (!VERSION.equals(version == null ? null : version.trim())) {
            throw new TusException(412, "this server speaks tus " + VERSION + " (Tus-Resumable header)",
                    Map.of("Tus-Version", VERSION));
        }
    }

    private static void requireOffsetOctetStream(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).split(";")[0].trim().equals(OFFSET_OCTET_STREAM)) {
            throw new TusException(415, "the content type must be " + OFFSET_OCTET_STREAM);
        }
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    /** tus' {@code Upload-Checksum: sha256 <base64>}, as the 32 digest bytes, or null. */
    static byte[] checksum(HttpServletRequest request) {
        String header = request.getHeader("Upload-Checksum");
        if (header == null || header.isBlank()) {
            return null;
        }
        String[] parts = header.trim().split("\\s+");
        if (parts.length != 2) {
            throw new TusException(400, "Upload-Checksum must be '<algorithm> <base64 digest>'");
        }
        if (!parts[0].equalsIgnoreCase("sha256")) {
            throw new TusException(400, "unsupported checksum algorithm '" + parts[0] + "': Tus-Checksum-Algorithm "
                    + "is sha256");
        }
        try {
            byte[] digest = Base64.getDecoder().decode(parts[1]);
            if (digest.length == 32) {
                return digest;
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw new TusException(400, "Upload-Checksum's sha256 digest must be 32 bytes in base64");
    }

    private static long nonNegative(String value, String header) {
        try {
            long n = Long.parseLong(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new TusException(400, header + " must be a non-negative integer");
    }

    /** Response headers every answer under /api/uploads carries, and what browsers may read of them. */
    static final List<String> EXPOSED_HEADERS = List.of("Location", "Upload-Offset", "Upload-Length",
            "Upload-Defer-Length", "Upload-Metadata", "Upload-Expires", "Tus-Resumable", "Tus-Version",
            "Tus-Extension", "Tus-Max-Size", "Tus-Checksum-Algorithm", FILE_ID, "Retry-After");
}
